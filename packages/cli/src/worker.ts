import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError } from '@stowage/core';
import type { FileReport } from '@stowage/reporters';
import { FileLinter, type LintSettings } from './lint-file.js';
import type { WorkerBatch, WorkerReply } from './pool.js';

const linter = new FileLinter(workerData as LintSettings);

// Batches queue up (the pool keeps more than one in flight): lint them one after another.
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (batch: WorkerBatch) => {
  queue = queue.then(() => lintBatch(batch).then((reply) => parentPort!.postMessage(reply)));
});

async function lintBatch(batch: WorkerBatch): Promise<WorkerReply> {
  try {
    const reports: FileReport[] = [];
    for (const target of batch.targets) reports.push(await linter.lintFile(target));
    return { start: batch.start, reports };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error), usage: error instanceof ConfigError };
  }
}
