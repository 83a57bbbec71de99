import { Worker } from 'node:worker_threads';
import type { FileReport } from '@stowage/reporters';
import { UsageError } from './errors.js';
import type { FileLinter, LintSettings, Target } from './lint-file.js';

/** What a worker sends back for a batch (`start`: the batch's index into the targets). */
export type WorkerReply = { start: number; reports: FileReport[] } | { error: string; usage: boolean };

/** A batch as posted to a worker. */
export interface WorkerBatch {
  start: number;
  targets: Target[];
}

/**
 * Batches queued per worker. With one, a worker that finishes waits for the calling thread to
 * come back to its event loop (between its own batches) before it gets the next: idle half the time.
 */
const IN_FLIGHT = 2;

// The CLI's bundle (scripts/bundle.mjs defines STOWAGE_BUNDLED) starts its workers from worker.cjs.
declare const STOWAGE_BUNDLED: boolean | undefined;
const WORKER_URL = new URL(typeof STOWAGE_BUNDLED !== 'undefined' && STOWAGE_BUNDLED ? './worker.cjs' : './worker.js', import.meta.url);
// Workers inherit node's flags; --input-type (from `node --input-type=module -e`) would stop them loading.
const WORKER_EXEC_ARGV = process.execArgv.filter((arg) => !arg.startsWith('--input-type'));

type Batch = WorkerBatch;

/** Largest batch posted to a worker: amortises messaging. */
const MAX_BATCH = 64;
/** Smallest batch: near the end, batches shrink so that the threads finish together. */
const MIN_BATCH = 4;
/**
 * Files the calling thread lints between looks at its event loop. Worker replies (and so their
 * next batches) wait for those looks: with 64 files per look the worker ran out of work for
 * ~0.1 s in a corpus run.
 */
const LOCAL_BATCH = 8;

/**
 * Lints targets across `size` worker threads; reports come back in the order of `targets`.
 * The calling thread takes batches too: it has everything loaded while the workers are still
 * starting, which is most of their cost for small runs.
 */
export function lintInPool(targets: Target[], settings: LintSettings, size: number, local: FileLinter): Promise<FileReport[]> {
  const reports = new Array<FileReport>(targets.length);
  const workers: Worker[] = [];
  let next = 0;
  /** The next batch: a share of what is left, so batches shrink towards the end. */
  const take = (most: number): Batch | undefined => {
    const left = targets.length - next;
    if (left <= 0) return undefined;
    const n = Math.min(left, most, Math.max(MIN_BATCH, Math.ceil(left / ((size + 1) * 4))));
    const batch = { start: next, targets: targets.slice(next, next + n) };
    next += n;
    return batch;
  };
  if (targets.length === 0) return Promise.resolve([]);
  return new Promise<FileReport[]>((resolve, reject) => {
    let pending = targets.length;
    let settled = false;
    const retired = new Set<Worker>();
    const retire = (worker: Worker) => {
      retired.add(worker);
      void worker.terminate();
    };
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      for (const w of workers) retire(w);
      if (error) reject(error);
      else resolve(reports);
    };
    const done = (start: number, batchReports: FileReport[]) => {
      batchReports.forEach((r, i) => (reports[start + i] = r));
      pending -= batchReports.length;
      if (pending === 0) finish();
    };

    const inFlight = new Map<Worker, number>();
    /** Posts the next batch to `worker`; false when there is none left. */
    const feed = (worker: Worker): boolean => {
      const batch = settled ? undefined : take(MAX_BATCH);
      if (!batch) return false;
      inFlight.set(worker, (inFlight.get(worker) ?? 0) + 1);
      worker.postMessage(batch);
      return true;
    };
    const onReply = (worker: Worker, reply: WorkerReply) => {
      if ('error' in reply) return finish(reply.usage ? new UsageError(reply.error) : new Error(reply.error));
      const left = inFlight.get(worker)! - 1;
      inFlight.set(worker, left);
      done(reply.start, reply.reports);
      if (!feed(worker) && left === 0) retire(worker);
    };
    for (let i = 0; i < size && next < targets.length; i++) {
      const worker = new Worker(WORKER_URL, { workerData: settings, execArgv: WORKER_EXEC_ARGV, resourceLimits: { maxYoungGenerationSizeMb: 64 } });
      workers.push(worker);
      worker.on('message', (reply: WorkerReply) => onReply(worker, reply));
      worker.on('error', (error) => finish(error));
      worker.on('exit', (code) => {
        if (!retired.has(worker)) finish(new Error(`a lint worker stopped unexpectedly (exit code ${code})`));
      });
      for (let k = 0; k < IN_FLIGHT && feed(worker); k++);
      if (!inFlight.get(worker)) retire(worker);
    }

    const lintLocally = async () => {
      for (let batch = take(LOCAL_BATCH); batch && !settled; batch = take(LOCAL_BATCH)) {
        const batchReports: FileReport[] = [];
        for (const target of batch.targets) batchReports.push(await local.lintFile(target));
        done(batch.start, batchReports);
        // Let worker replies in between batches, so idle workers get their next batch.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    lintLocally().catch((error: unknown) => finish(error instanceof Error ? error : new Error(String(error))));
  });
}
