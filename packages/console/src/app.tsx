import { useMemo, useState } from 'preact/hooks';
import { clearSession, clientFor, loadSession, saveSession, type Session } from './session.js';
import { href, useRoute } from './route.js';
import { Activity } from './pages/activity.js';
import { ActorPage } from './pages/actor.js';
import { Actors } from './pages/actors.js';
import { ExecutionView } from './pages/execution.js';
import { SearchPage } from './pages/search.js';
import { SignIn } from './pages/sign-in.js';

/** The console: sign-in, then the place the URL's hash names. */
export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const client = useMemo(() => (session ? clientFor(session) : null), [session]);
  const route = useRoute();
  if (!session || !client) {
    return (
      <SignIn
        onSignIn={(s) => {
          saveSession(s);
          setSession(s);
          location.hash = s.home ? href('actors', s.home) : href('actors');
        }}
      />
    );
  }
  const signOut = () => {
    clearSession();
    setSession(null);
    location.hash = '';
  };
  const nonce = session.home !== undefined;
  const [place, id, sub, executionId] = route;
  let page;
  if (place === 'actors' && id && sub === 'executions' && executionId) page = <ExecutionView client={client} actorId={id} executionId={executionId} />;
  else if (place === 'actors' && id) page = <ActorPage client={client} actorId={id} nonce={nonce} />;
  else if (nonce) page = <ActorPage client={client} actorId={session.home!} nonce />;
  else if (place === 'search') page = <SearchPage client={client} />;
  else if (place === 'activity') {
    page = (
      <main>
        <h1>Activity</h1>
        <Activity client={client} />
      </main>
    );
  } else page = <Actors client={client} />;

  const here = place ?? 'actors';
  return (
    <>
      <a class="skip" href="#content" onClick={(e) => (e.preventDefault(), document.getElementById('content')?.focus())}>
        Skip to content
      </a>
      <header>
        <span class="brand">Abaco</span>
        {!nonce && (
          <nav aria-label="Main">
            {(['actors', 'search', 'activity'] as const).map((p) => (
              <a href={href(p)} aria-current={here === p ? 'page' : undefined}>
                {p[0]!.toUpperCase() + p.slice(1)}
              </a>
            ))}
          </nav>
        )}
        <span class="who">Signed in with a {session.label}</span>
        <button type="button" class="secondary" onClick={signOut}>
          Sign out
        </button>
      </header>
      <div id="content" tabIndex={-1}>
        {page}
      </div>
    </>
  );
}
