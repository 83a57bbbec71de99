// Runs one peer over a list of files in a worker thread.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { peerWork } from './peers.mjs';

const { mode, files } = workerData;
const work = await peerWork(mode);
let crashes = 0;
for (const f of files) if (work(readFileSync(f, 'utf8')) < 0) crashes++;
parentPort.postMessage({ crashes });
