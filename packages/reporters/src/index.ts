export type * from './types.js';
export { toLintMessages, fatalReport, withCounts, errorsOnly, mergeEdits } from './messages.js';
export { formatStylish, type StylishOptions } from './stylish.js';
export { formatJson } from './json.js';
