import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: number[];
  color: string;
  /** Dashes tell series apart without their colour. */
  dash?: number[];
}

/**
 * A chart drawn by uPlot: `x` along the bottom (seconds since 1970 for time, or bucket numbers with
 * `xLabels`), one line (or bars) per series. The figure's caption names it for screen readers,
 * and `summary` says in words what it shows.
 */
export function Chart({ title, x, series, bars, xLabels, summary }: { title: string; x: number[]; series: Series[]; bars?: boolean; xLabels?: readonly string[]; summary: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = [x, ...series.map((s) => s.values)] as uPlot.AlignedData;

  useEffect(() => {
    const el = box.current!;
    const width = () => Math.max(240, el.clientWidth);
    const options: uPlot.Options = {
      width: width(),
      height: 200,
      scales: { x: { time: !xLabels }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [xLabels ? { values: (_u, ticks) => ticks.map((t) => xLabels[t] ?? '') , splits: () => x } : {}, { values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')) }],
      series: [
        { label: xLabels ? 'duration' : 'time' },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          ...(s.dash ? { dash: s.dash } : {}),
          ...(bars ? { fill: s.color, paths: uPlot.paths.bars!({ size: [0.6, 60] }), points: { show: false } } : {}),
        })),
      ],
    };
    plot.current = new uPlot(options, data, el);
    const resized = new ResizeObserver(() => plot.current?.setSize({ width: width(), height: 200 }));
    resized.observe(el);
    return () => {
      resized.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [series.length, bars, xLabels]);

  useEffect(() => plot.current?.setData(data), [data]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title}: ${summary}`} />
    </figure>
  );
}
