import type { Virtualizer } from '@tanstack/react-virtual';
import { scrollScale } from './model';

/**
 * Stands in for the log's scroll element so the virtualizer sees the whole log (every line at
 * its height) while the browser only builds a scroll range it can handle: reads of scrollTop /
 * scrollHeight are scaled up by `ratio`, writes through scrollTo scaled down. With ratio 1 it
 * is a plain pass-through.
 */
export class ScaledScroller {
  ratio = 1;
  /**
   * The element's clientHeight as last observed (ResizeObserver): `fit` runs while rendering,
   * where reading clientHeight would force a layout of the whole page.
   */
  viewport = 0;

  /**
   * The element's real scrollTop as last reported (scroll events, the observer's first report),
   * null after our own scroll until its event: a new element is at 0. A scroll to where the
   * element already is can be left out, and with it the layout it would force.
   */
  knownTop: number | null = 0;

  constructor(readonly el: HTMLElement) {}

  /** Sets the ratio for a virtual height; returns the real height the spacer should have. */
  fit(virtualTotal: number): number {
    const { realTotal, ratio } = scrollScale(virtualTotal, this.viewport);
    this.ratio = ratio;
    return realTotal;
  }

  /** Reports the viewport's height (first once laid out) and the real scrollTop on every change. */
  observe({
    onResize,
    onScroll,
  }: {
    onResize: (height: number) => void;
    onScroll: (offset: number) => void;
  }) {
    const scrolled = () => {
      this.knownTop = this.el.scrollTop;
      onScroll(this.knownTop);
    };
    // The observer also gives the first report (and the offset the element kept, e.g. across a
    // wrap toggle), once the browser has laid the page out: reading them now would force that
    // layout in the middle of React's commit.
    const resized = () => {
      this.viewport = this.el.clientHeight;
      onResize(this.viewport);
      scrolled();
    };
    const observer = new ResizeObserver(resized);
    observer.observe(this.el);
    this.el.addEventListener('scroll', scrolled, { passive: true });
    return () => {
      observer.disconnect();
      this.el.removeEventListener('scroll', scrolled);
    };
  }

  get scrollTop() {
    return this.el.scrollTop * this.ratio;
  }
  get scrollLeft() {
    return this.el.scrollLeft;
  }
  get scrollHeight() {
    return (this.el.scrollHeight - this.el.clientHeight) * this.ratio + this.el.clientHeight;
  }
  get scrollWidth() {
    return this.el.scrollWidth;
  }
  get clientHeight() {
    return this.el.clientHeight;
  }
  get clientWidth() {
    return this.el.clientWidth;
  }
  get ownerDocument() {
    return this.el.ownerDocument;
  }
  get style() {
    return this.el.style;
  }
  getBoundingClientRect() {
    return this.el.getBoundingClientRect();
  }
  addEventListener(...args: Parameters<HTMLElement['addEventListener']>) {
    this.el.addEventListener(...args);
  }
  removeEventListener(...args: Parameters<HTMLElement['removeEventListener']>) {
    this.el.removeEventListener(...args);
  }
  scrollTo(options: ScrollToOptions) {
    this.knownTop = null;
    this.el.scrollTo({
      ...options,
      ...(options.top !== undefined ? { top: options.top / this.ratio } : {}),
    });
  }
}

/** The virtualizer's default observer reads sizes from the element it observes: the real one. */
export function observeScrollerRect<T extends Element>(
  instance: Virtualizer<HTMLElement, T>,
  cb: (rect: { width: number; height: number }) => void,
) {
  const scroller = instance.scrollElement as unknown as ScaledScroller | null;
  if (!scroller) return;
  const el = scroller.el;
  const report = () => {
    scroller.viewport = el.clientHeight;
    cb({ width: el.clientWidth, height: el.clientHeight });
  };
  report();
  const observer = new ResizeObserver(report);
  observer.observe(el);
  return () => observer.disconnect();
}
