import type { FileReport } from './types.js';

export function formatJson(reports: readonly FileReport[]): string {
  return JSON.stringify(reports);
}
