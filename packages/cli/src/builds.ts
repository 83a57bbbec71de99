import {
  buildsInfoFor,
  dockerfileReader,
  lintInvocationFile,
  loadInvocations,
  type BuildInvocation,
  type BuildRun,
  type DockerfileInfo,
  type InvocationFile,
  type ParseResult,
  type Problem,
} from '@stowage/builds';
import { byPosition, initShell, type ConfigLoader, type Diagnostic } from '@stowage/core';
import { toLintMessages, type FileReport } from '@stowage/reporters';
import { configFor, enabledBuildRules, type ConfigSettings } from './config.js';
import { displayPath, type BuildRoot } from './discover.js';
import type { Target, WireBuilds } from './lint-file.js';

// Imported on demand (run.ts, targets.ts): only directory runs that found build files need it.

/** Every build invocation found under the directories linted, read once in the main thread. */
export interface BuildAnalysis {
  invocations: BuildInvocation[];
  runs: BuildRun[];
  problems: Problem[];
  /** One per invocation file read. */
  results: ParseResult[];
  /** The Dockerfile an invocation builds, parsed once per path (null: remote, unresolved, unreadable). */
  dockerfileOf: (invocation: BuildInvocation) => DockerfileInfo | null;
}

/**
 * Reads the invocation files the walk found. `loadInvocations` loads the shell parser and the HCL
 * grammar only for the kinds of files present.
 */
export async function analyseBuilds(roots: BuildRoot[]): Promise<BuildAnalysis> {
  const analysis: BuildAnalysis = { invocations: [], runs: [], problems: [], results: [], dockerfileOf: dockerfileReader() };
  for (const root of roots) {
    if (root.files.length === 0) continue;
    // Scripts resolve relative paths against the root too (CI runs them from the repository's top).
    const files = [...root.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const loaded = await loadInvocations(root.dir, { files });
    analysis.invocations.push(...loaded.invocations);
    analysis.runs.push(...loaded.runs);
    analysis.problems.push(...loaded.problems);
    analysis.results.push(...loaded.results);
  }
  return analysis;
}

/** What is known of each Dockerfile's builds, in a form worker messages carry. */
export function attachBuilds(targets: Target[], invocations: BuildInvocation[]): Target[] {
  return targets.map((t) => {
    const info = buildsInfoFor(t.path, invocations);
    const builds: WireBuilds = { invocations: info.invocations, targets: [...info.targets] };
    return { ...t, builds };
  });
}

interface FileEntry {
  file: InvocationFile;
  /** It holds invocations or runs. */
  builds: boolean;
  /** The problems worth showing: a parser's warning (a script part it skipped) only for a file that builds something. */
  problems: Problem[];
}

/** The invocation files read, with their problems; files that build nothing and have no error are left out. */
function fileEntries(analysis: BuildAnalysis): FileEntry[] {
  const files = new Map<string, FileEntry>();
  for (const r of analysis.results) {
    const builds = r.invocations.length > 0 || r.runs.length > 0;
    const entry = files.get(r.file.path);
    if (entry) entry.builds ||= builds;
    else files.set(r.file.path, { file: r.file, builds, problems: [] });
  }
  for (const p of analysis.problems) {
    let entry = files.get(p.file.path);
    if (!entry) files.set(p.file.path, (entry = { file: p.file, builds: false, problems: [] }));
    entry.problems.push(p);
  }
  const out: FileEntry[] = [];
  for (const e of files.values()) {
    const problems = e.problems.filter((p) => e.builds || p.severity === 'error');
    if (e.builds || problems.length > 0) out.push({ ...e, problems });
  }
  return out;
}

/** The problems met reading invocation files that are worth showing (see FileEntry). */
export function shownProblems(analysis: BuildAnalysis): Problem[] {
  return fileEntries(analysis).flatMap((e) => e.problems);
}

/**
 * Runs the enabled build rules over each invocation file that builds something, and reports the
 * files that could not be read. Problems are warnings with no rule id: these files are read for
 * context, and one that stowage cannot parse must not fail a run about Dockerfiles.
 */
export async function lintInvocationFiles(analysis: BuildAnalysis, loader: ConfigLoader, settings: ConfigSettings): Promise<FileReport[]> {
  const repository = { invocations: analysis.invocations, runs: analysis.runs };
  const dockerfileOf = analysis.dockerfileOf;
  const reports: FileReport[] = [];
  for (const { file, builds, problems: shown } of fileEntries(analysis)) {
    const diagnostics: Diagnostic[] = shown.map((p) => ({ ruleId: null, messageId: null, message: p.message, severity: 'warn', range: p.range }));
    if (builds) {
      const rules = enabledBuildRules(configFor(loader, file.path, settings));
      // loadInvocations loads the shell parser only for files with shell in them (not compose, bake).
      if (rules.some((r) => r.rule.meta.needsShell)) await initShell();
      if (rules.length > 0) diagnostics.push(...lintInvocationFile(file, { rules, repository, dockerfileOf }).diagnostics);
    }
    const report = toLintMessages({ filePath: displayPath(settings.cwd, file.path), text: file.text, lines: file.lines, diagnostics: diagnostics.sort(byPosition) });
    reports.push(withDisplayedRelated(report, settings.cwd));
  }
  return reports;
}

/** Related locations in other files (the Dockerfile) carry absolute paths; show them like report paths. */
function withDisplayedRelated(report: FileReport, cwd: string): FileReport {
  for (const m of report.messages) {
    for (const r of m.related ?? []) if (r.filePath !== undefined) r.filePath = displayPath(cwd, r.filePath);
  }
  return report;
}
