// Prints one plain closing line, 'tests: N passed, N failed, N skipped', after vitest's own summary.
import type { Reporter } from 'vitest/reporters';

interface TaskLike {
  type: string;
  mode?: string;
  result?: { state?: string };
  tasks?: TaskLike[];
}

export default class ClosingLineReporter implements Reporter {
  onFinished(files: TaskLike[] = [], errors: unknown[] = []): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const walk = (task: TaskLike) => {
      if (task.tasks) task.tasks.forEach(walk);
      if (task.type !== 'test') return;
      if (task.result?.state === 'pass') counts.passed++;
      else if (task.result?.state === 'fail') counts.failed++;
      else counts.skipped++;
    };
    files.forEach(walk);
    const fileFailures = files.filter((f) => f.result?.state === 'fail' && !f.tasks?.length).length + errors.length;
    console.log(`\ntests: ${counts.passed} passed, ${counts.failed + fileFailures} failed, ${counts.skipped} skipped`);
  }
}
