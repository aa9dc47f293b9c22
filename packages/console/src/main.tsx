import { render } from 'preact';

render(<main>Abaco console</main>, document.getElementById('app')!);
