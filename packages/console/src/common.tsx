import type { ComponentChildren } from 'preact';

/** An error shown to the user, announced to screen readers. */
export function ErrorNote({ error }: { error: string | null | undefined }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}

/** A titled part of a page. */
export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  const heading = id ?? title.toLowerCase().replace(/\W+/g, '-');
  return (
    <section aria-labelledby={heading}>
      <h2 id={heading}>{title}</h2>
      {children}
    </section>
  );
}

/** A status shown as a badge (its word is its text: colour is never the only sign). */
export function Status({ value }: { value: string }) {
  return <span class={`status status-${value.toLowerCase()}`}>{value}</span>;
}

/** Offers bytes as a file download (the browser's save dialog). */
export function download(name: string, data: Uint8Array, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([new Uint8Array(data)], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
