import type { RuleMeta } from '@stowage/core';

export const README_HEADINGS: readonly string[];
export function isRuleFolder(name: string): boolean;
export function renderList(ids: readonly string[]): string;
export function kebab(name: string): string;
export function sourceUrl(source: RuleMeta['sources'][number]): string;
export function readmeBody(readme: string): string;
export function renderRuleDoc(meta: RuleMeta, readme: string): string;
export function renderRulesIndex(metas: readonly RuleMeta[]): string;
export function readmeProblems(id: string, readme: string): string[];
export function readmeExamples(readme: string): { kind: 'valid' | 'invalid'; code: string; options?: Record<string, unknown>; line: number }[];
export function renderSchema(schema: object): string;
