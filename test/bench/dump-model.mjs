// Differential aid (not a test): writes the parse tree and key model facts of every file under
// the given directories as JSON lines, so a parser/model change can be diffed against a dump made
// before it. `node test/bench/dump-model.mjs OUT DIR...` (uses the built packages/core/dist).
import { createWriteStream, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const core = await import(path.join(root, 'packages/core/dist/index.js'));
const [out, ...dirs] = process.argv.slice(2);
const list = (d) => readdirSync(d).sort().flatMap((n) => (statSync(path.join(d, n)).isDirectory() ? list(path.join(d, n)) : [path.join(d, n)]));

const r = (x) => (x ? `${x.start}-${x.end}` : null);
function instr(i) {
  return {
    ...i,
    range: r(i.range),
    argsRange: r(i.argsRange),
    keyword: { ...i.keyword, range: r(i.keyword.range) },
    args: i.args.map((w) => [w.raw, w.value, r(w.range)]),
    flags: i.flags.map((f) => ({ ...f, range: r(f.range), nameRange: r(f.nameRange), valueRange: r(f.valueRange), options: f.options.map((o) => ({ ...o, range: r(o.range), keyRange: r(o.keyRange), valueRange: r(o.valueRange) })) })),
    heredocs: i.heredocs.map((h) => ({ ...h, range: r(h.range), contentRange: r(h.contentRange), delimiterRange: r(h.delimiterRange) })),
    properties: i.properties.map((p) => ({ ...p, range: r(p.range), nameRange: r(p.nameRange), valueRange: r(p.valueRange) })),
    trigger: i.trigger ? instr(i.trigger) : null,
    onbuild: i.onbuild ? i.onbuild.index : null,
  };
}
const NAME = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;
function dump(text) {
  const { ast, lines } = core.parse(text);
  const m = core.buildModel(ast, lines);
  const sx = (s) => (s ? s.index : null);
  const bind = (b) => (b ? [b.name, b.kind, b.value ?? null, b.instruction.index, r(b.property.range)] : null);
  const facts = {
    lineStarts: lines.lineStarts.length,
    stages: m.stages.map((s) => ({
      index: s.index, name: s.name, key: s.key, nameRange: r(s.nameRange), from: s.from.index, base: s.base, baseRange: r(s.baseRange),
      parent: sx(s.parent), platform: r(s.platform?.range), instructions: s.instructions.map((i) => i.index), range: r(s.range),
      deps: s.deps.map((d) => [d.kind, d.ref, d.expanded, sx(d.stage), d.byIndex, d.instruction.index, r(d.range), r(d.flag?.range)]),
      dependencies: [...m.dependenciesOf(s)].map(sx), dependents: [...m.dependentsOf(s)].map(sx),
    })),
    finalStage: sx(m.finalStage),
    globalArgs: m.globalArgs.map(bind),
    perInstruction: ast.instructions.map((i) => {
      const scope = m.scopeAt(i);
      const src = i.argsRange ? ast.text.slice(i.argsRange.start, i.argsRange.end) : '';
      const names = [...new Set([...src.matchAll(NAME)].map((x) => x[1]))].slice(0, 20);
      const e = scope.expand(src.slice(0, 2000));
      return [sx(m.stageOf(i)), e.value, e.unresolved, e.names, names.map((n) => [scope.lookup(n) ?? null, bind(scope.binding(n)), scope.isDeclared(n)])];
    }),
  };
  return { ast: { ...ast, text: undefined, instructions: ast.instructions.map(instr), comments: ast.comments.map((c) => [c.text, r(c.range)]), directives: ast.directives.map((d) => ({ ...d, range: r(d.range), nameRange: r(d.nameRange), valueRange: r(d.valueRange) })), diagnostics: ast.diagnostics.map((d) => ({ ...d, range: r(d.range) })) }, facts };
}

const w = createWriteStream(out);
let n = 0;
for (const dir of dirs) {
  for (const f of list(dir)) {
    const text = readFileSync(f, 'utf8');
    let line;
    try {
      line = JSON.stringify({ f, ...dump(text) });
    } catch (error) {
      line = JSON.stringify({ f, error: String(error) });
    }
    w.write(line + '\n');
    n++;
  }
}
w.end();
console.error(`${n} files dumped to ${out}`);
