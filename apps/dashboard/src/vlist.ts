import { h } from './dom';
import { schedule } from './scheduler';

export interface VirtualListOptions<T> {
  /** Scheduler key: one render per frame per list. */
  name: string;
  /** Row height in pixels (fixed; it may change with the layout). */
  rowHeight: () => number;
  key: (item: T) => string;
  /** Fills a pooled row element for an item; called for visible rows only. */
  render: (row: HTMLElement, item: T) => void;
  onSelect: (item: T) => void;
}

const OVERSCAN = 4;

/**
 * A list that renders only the rows in view (plus a few): 1,000 alerts cost the DOM of the thirty on
 * screen. Rows are pooled and positioned absolutely over a spacer as tall as the whole list.
 */
export class VirtualList<T> {
  private items: T[] = [];
  private readonly spacer = h('div', { class: 'vlist-spacer' });
  private readonly pool: HTMLElement[] = [];
  private readonly rowItem = new WeakMap<HTMLElement, T>();

  constructor(
    private readonly container: HTMLElement,
    private readonly o: VirtualListOptions<T>,
  ) {
    container.append(this.spacer);
    container.addEventListener('scroll', () => this.invalidate(), { passive: true });
    container.addEventListener('click', (ev) => {
      const row = (ev.target as Element).closest<HTMLElement>('.vrow');
      const item = row ? this.rowItem.get(row) : undefined;
      if (item !== undefined) this.o.onSelect(item);
    });
    new ResizeObserver(() => this.invalidate()).observe(container);
  }

  get length(): number {
    return this.items.length;
  }

  setItems(items: T[]): void {
    this.items = items;
    this.invalidate();
  }

  invalidate(): void {
    schedule(this.o.name, () => this.render());
  }

  /** Scrolls an item into view if it is in the list. */
  reveal(key: string): void {
    const i = this.items.findIndex((it) => this.o.key(it) === key);
    if (i < 0) return;
    const rh = this.o.rowHeight();
    const top = i * rh;
    if (top < this.container.scrollTop || top + rh > this.container.scrollTop + this.container.clientHeight) {
      this.container.scrollTop = Math.max(0, top - rh);
    }
    this.invalidate();
  }

  private render(): void {
    const rh = this.o.rowHeight();
    this.spacer.style.height = `${this.items.length * rh}px`;
    const viewport = this.container.clientHeight || 600;
    const first = Math.max(0, Math.floor(this.container.scrollTop / rh) - OVERSCAN);
    const last = Math.min(
      this.items.length,
      Math.ceil((this.container.scrollTop + viewport) / rh) + OVERSCAN,
    );
    const needed = Math.max(0, last - first);
    while (this.pool.length < needed) {
      const row = h('div', { class: 'vrow', role: 'button', tabindex: '0' });
      row.addEventListener('keydown', (ev) => {
        const item = this.rowItem.get(row);
        if ((ev.key === 'Enter' || ev.key === ' ') && item !== undefined) this.o.onSelect(item);
      });
      this.pool.push(row);
      this.container.append(row);
    }
    for (let i = 0; i < this.pool.length; i++) {
      const row = this.pool[i];
      if (i >= needed) {
        if (!row.hidden) {
          row.hidden = true;
          this.rowItem.delete(row);
          // A pooled row out of use must not look like an item to a selector.
          for (const k of Object.keys(row.dataset)) delete row.dataset[k];
        }
        continue;
      }
      const item = this.items[first + i];
      row.hidden = false;
      row.style.transform = `translateY(${(first + i) * rh}px)`;
      row.style.height = `${rh}px`;
      this.rowItem.set(row, item);
      row.dataset.key = this.o.key(item);
      this.o.render(row, item);
    }
  }
}
