import { randomUUID } from 'node:crypto';
import { readStoryRecord, storyRecordFile, writeStoryRecord } from './once-per-data-dir';
import { storyReport, type ReportLinks } from './report';
import { playDemoStory, type DemoOutcome, type DemoStoryDeps } from './story';

export interface PlayOnceOptions extends Omit<DemoStoryDeps, 'runId' | 'progress'> {
  dataDir: string;
  links: ReportLinks;
  print: (line: string) => void;
}

/**
 * Plays the story unless this data directory already has it: a restart continues the same sandbox company instead of
 * adding the story's customers again. Returns the outcome, or null when the story had been played before.
 */
export async function playDemoStoryOnce(options: PlayOnceOptions): Promise<DemoOutcome | null> {
  const { dataDir, links, print } = options;
  const earlier = readStoryRecord(dataDir);
  if (earlier !== null) {
    const interrupted = earlier.outcome === null ? ', interrupted before it finished' : '';
    print(`Demo story: played on ${earlier.startedAt}${interrupted} in this data directory (delete ${storyRecordFile(dataDir)} to play it again).`);
    if (earlier.outcome !== null) for (const line of storyReport(earlier.outcome, links)) print(line);
    return null;
  }
  const record = { runId: randomUUID().slice(0, 8), startedAt: new Date().toISOString(), outcome: null };
  writeStoryRecord(dataDir, record);
  print('Demo story: a referrer and three friends, a birthday customer paying with cashback, an apology bonus (--no-story skips it).');
  const outcome = await playDemoStory({ ...options, runId: record.runId, progress: (line) => print(`  ${line}`) });
  writeStoryRecord(dataDir, { ...record, outcome });
  for (const line of storyReport(outcome, links)) print(line);
  return outcome;
}
