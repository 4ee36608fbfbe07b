import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DemoOutcome } from './story-log';

/**
 * The story plays once per data directory: the sandbox's snapshot and the dev server's database live there, so a
 * restart continues the same company. This file records that it was played (and, once finished, how it went).
 */
export interface StoryRecord {
  runId: string;
  startedAt: string;
  outcome: DemoOutcome | null;
}

export function storyRecordFile(dataDir: string): string {
  return path.resolve(dataDir, 'demo-story.json');
}

export function readStoryRecord(dataDir: string): StoryRecord | null {
  const file = storyRecordFile(dataDir);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StoryRecord;
  } catch (error) {
    throw new Error(`${file}: not a demo story record (${(error as Error).message}); delete it to play the story again`);
  }
}

export function writeStoryRecord(dataDir: string, record: StoryRecord): void {
  const file = storyRecordFile(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}
