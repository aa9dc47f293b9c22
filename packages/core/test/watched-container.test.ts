import t from 'tap';
import { WatchedContainer } from '../src/runtime/watched-container.js';
import type { ExitInfo, Usage } from '../src/runtime/runtime.js';
import { exitedState } from '../src/runtime/final-state.js';

/** A container whose engine answers usage questions slowly (each after `answerMs`, far longer than the sampling period). */
class SlowEngineContainer extends WatchedContainer {
  readonly id = 'slow';
  asked = 0;
  inFlight = 0;
  mostInFlight = 0;
  private exit!: (info: Omit<ExitInfo, 'killed'>) => void;

  constructor(private readonly answerMs: number) {
    super();
    this.watch(new Promise((resolve) => (this.exit = resolve)), 1);
  }

  protected async sample(): Promise<Usage> {
    this.asked++;
    this.mostInFlight = Math.max(this.mostInFlight, ++this.inFlight);
    await new Promise((r) => setTimeout(r, this.answerMs));
    this.inFlight--;
    return { cpu: this.asked * 10, io: this.asked };
  }

  finish(): void {
    this.exit({ exitCode: 0, oomKilled: false, finalState: exitedState(0, new Date(), new Date()) });
  }

  protected async stop(): Promise<void> {}
  async remove(): Promise<void> {}
}

t.test('usage is sampled one question at a time, however slowly the engine answers, and no more once the container exited', async (t) => {
  const container = new SlowEngineContainer(20);
  while (container.asked < 5) await new Promise((r) => setTimeout(r, 5));
  t.equal(container.mostInFlight, 1, 'never two questions in flight');
  container.finish();
  await container.wait();
  const asked = container.asked;
  await new Promise((r) => setTimeout(r, 100));
  t.ok(container.asked <= asked + 1, 'at most the question in flight at the exit is answered after it');
  t.equal(container.mostInFlight, 1);
  t.ok((await container.usage()).cpu >= 50, 'the figures of the answers are kept');
});
