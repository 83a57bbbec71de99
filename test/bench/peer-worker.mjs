// Runs one peer (parse-only floor or dockerfile-utils) over a list of files in a worker thread.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { mode, files } = workerData;
let work;
if (mode === 'parse') {
  const { DockerfileParser } = await import('dockerfile-ast');
  work = (text) => DockerfileParser.parse(text).getInstructions().length;
} else {
  const { validate } = await import('dockerfile-utils');
  work = (text) => validate(text).length;
}
let findings = 0;
for (const f of files) findings += work(readFileSync(f, 'utf8'));
parentPort.postMessage({ findings });
