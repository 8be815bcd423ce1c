import { expect, it } from 'vitest';
import {
  captureLogger,
  runs,
  taskStates,
  useTaskTestDatabase,
  waitFor,
} from '../../test/support/task-helpers.ts';
import { describeEachBackend } from '../../test/support/test-databases.ts';

describeEachBackend('task processor', (backend) => {
  const x = useTaskTestDatabase(backend);

  it('runs a task in a worker thread with database access, and marks it succeeded', async () => {
    const processor = await x.start();
    const { id } = await x.queue.enqueue(x.db, { type: 'test.record', payload: { label: 'hello' } });
    const task = await waitFor(async () => {
      const [row] = await taskStates(x.db);
      return row?.state === 'succeeded' && row;
    }, 'the task to succeed');
    expect(task).toMatchObject({ id, attempts: 1, claimed_by: processor.owner, lease_expires_at: null });
    expect(await runs(x.db)).toMatchObject([{ task_id: id, attempt: 1, label: 'hello' }]);
  });

  it('retries a failing task with exponential backoff, then succeeds', async () => {
    const { logger, lines } = captureLogger();
    await x.start({ logger, backoff: { baseMs: 200, maxMs: 10_000 } });
    await x.queue.enqueue(x.db, { type: 'test.record', payload: { failTimes: 2 } });
    await waitFor(async () => (await taskStates(x.db))[0]?.state === 'succeeded', 'success');
    const attempts = await runs(x.db);
    expect(attempts.map((r) => r.attempt)).toEqual([1, 2, 3]);
    const gap = (i: number) =>
      (attempts[i + 1]?.started_at.getTime() ?? 0) - (attempts[i]?.started_at.getTime() ?? 0);
    // Equal jitter: the n-th retry waits between half and all of base·2^(n−1).
    expect(gap(0)).toBeGreaterThanOrEqual(100);
    expect(gap(1)).toBeGreaterThanOrEqual(200);
    expect(lines.filter((l) => l.msg === 'task failed; will retry')).toHaveLength(2);
  });

  it('parks a task after its last attempt, with its error and one log line', async () => {
    const { logger, lines } = captureLogger();
    await x.start({ logger });
    const { id } = await x.queue.enqueue(x.db, {
      type: 'test.record',
      payload: { failTimes: 99 },
      maxAttempts: 2,
    });
    const parked = await waitFor(async () => {
      const [row] = await taskStates(x.db);
      return row?.state === 'parked' && row;
    }, 'the task to be parked');
    expect(parked).toMatchObject({ id, attempts: 2, lease_expires_at: null });
    expect(parked.last_error).toContain('planned failure on attempt 2');
    const logged = lines.filter((l) => String(l.msg).startsWith('task parked'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 50, taskId: id, taskType: 'test.record', attempts: 2 });
  });

  it('parks at once when the handler throws PermanentTaskError', async () => {
    await x.start();
    await x.queue.enqueue(x.db, { type: 'test.record', payload: { permanent: true }, maxAttempts: 5 });
    const parked = await waitFor(async () => {
      const [row] = await taskStates(x.db);
      return row?.state === 'parked' && row;
    }, 'the task to be parked');
    expect(parked.attempts).toBe(1);
    expect(parked.last_error).toContain('PermanentTaskError: this payload can never work');
  });

  it('wakes on the enqueue notification, without waiting for a poll', async () => {
    await x.start({ pollIntervalMs: 600_000 });
    await new Promise((r) => setTimeout(r, 200)); // let its first pass find the queue empty
    await x.queue.enqueue(x.db, { type: 'test.record', payload: {} });
    await waitFor(async () => (await runs(x.db)).length === 1, 'the task to run', 10_000);
  });

  it('runs a delayed task when it is due, woken by a timer rather than a poll', async () => {
    await x.start({ pollIntervalMs: 600_000 });
    const runAt = new Date(Date.now() + 700);
    await x.queue.enqueue(x.db, { type: 'test.record', payload: {}, runAt });
    const [run] = await waitFor(
      async () => {
        const r = await runs(x.db);
        return r.length > 0 && r;
      },
      'the delayed task to run',
      10_000,
    );
    expect(run?.started_at.getTime()).toBeGreaterThanOrEqual(runAt.getTime());
  });

  it('on stop, lets a running task finish within the drain time', async () => {
    const processor = await x.start();
    await x.queue.enqueue(x.db, { type: 'test.record', payload: { sleepMs: 400 } });
    await waitFor(async () => (await runs(x.db)).length === 1, 'the task to start');
    await processor.stop();
    const [row] = await taskStates(x.db);
    expect(row?.state).toBe('succeeded');
    // Stopped: a new task stays queued.
    await x.queue.enqueue(x.db, { type: 'test.record', payload: {} });
    await new Promise((r) => setTimeout(r, 400));
    expect((await taskStates(x.db))[1]?.state).toBe('queued');
  });

  it('on stop, releases a task that outlives the drain time without counting the attempt', async () => {
    const processor = await x.start({ drainTimeoutMs: 200 });
    await x.queue.enqueue(x.db, { type: 'test.record', payload: { blockOnAttempt: 1 } });
    await waitFor(async () => (await runs(x.db)).length === 1, 'the task to start');
    await processor.stop();
    const [row] = await taskStates(x.db);
    expect(row).toMatchObject({ state: 'queued', attempts: 0, lease_expires_at: null });
  });
});
