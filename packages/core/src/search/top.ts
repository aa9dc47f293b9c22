/**
 * The first `size` items of a stream in an order, kept in a bounded heap: memory for `size` items and
 * O(log size) work per item however many are offered. `count` is how many were offered.
 */
export class Top<T> {
  /** Heap whose root is the last kept item in the order (each parent comes after its children). */
  private readonly heap: T[] = [];
  count = 0;

  /** `compare(a, b) < 0` when `a` comes before `b`. */
  constructor(private readonly size: number, private readonly compare: (a: T, b: T) => number) {}

  offer(item: T): void {
    this.count++;
    const heap = this.heap;
    if (heap.length < this.size) {
      heap.push(item);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.compare(heap[parent]!, item) >= 0) break;
        heap[i] = heap[parent]!;
        i = parent;
      }
      heap[i] = item;
    } else if (heap.length > 0 && this.compare(item, heap[0]!) < 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const later = right < heap.length && this.compare(heap[right]!, heap[left]!) > 0 ? right : left;
        if (this.compare(heap[later]!, item) <= 0) break;
        heap[i] = heap[later]!;
        i = later;
      }
      heap[i] = item;
    }
  }

  /** The kept items in order. */
  sorted(): T[] {
    return [...this.heap].sort(this.compare);
  }
}
