import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError } from '@stowage/core';
import type { FileReport } from '@stowage/reporters';
import { FileLinter, type LintSettings, type Target } from './lint-file.js';
import type { WorkerReply } from './pool.js';

const linter = new FileLinter(workerData as LintSettings);

parentPort!.on('message', (batch: Target[]) => {
  void lintBatch(batch).then((reply) => parentPort!.postMessage(reply));
});

async function lintBatch(batch: Target[]): Promise<WorkerReply> {
  try {
    const reports: FileReport[] = [];
    for (const target of batch) reports.push(await linter.lintFile(target));
    return { reports };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error), usage: error instanceof ConfigError };
  }
}
