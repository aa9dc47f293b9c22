import { PodmanRuntime } from '@abaco/backend-podman';
import t from 'tap';
import { engineScenario } from './executor-helpers.js';

t.setTimeout(300_000);
await engineScenario(t, 'podman', () => PodmanRuntime.connect());
