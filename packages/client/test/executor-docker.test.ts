import { DockerRuntime } from '@abaco/backend-docker';
import t from 'tap';
import { engineScenario } from './executor-helpers.js';

t.setTimeout(300_000);
await engineScenario(t, 'docker', () => DockerRuntime.connect());
