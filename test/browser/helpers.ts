import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { Platform, type PlatformOptions } from '@lg/testing';
import { optionsOf, PlatformStand, type StandOptions } from '../e2e/helpers';
import { useStand } from '../stand';

/** Debian's chromium package: the tests download no browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Screenshots of the main screens, kept as test artifacts (gitignored). */
export const SCREENSHOTS = resolve(__dirname, '../../artifacts/screenshots');

/**
 * Headless Chromium with nothing that reaches out to the network by itself. `launch` gives every browser a
 * fresh temporary profile (user-data-dir) and removes it on close.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Screen {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, for the tests to assert there were none. */
  errors: string[];
}

export interface ScreenOptions {
  layout: 'wall' | 'laptop';
  viewport: { width: number; height: number };
  /** The browser's own zone: the dashboard must show Asia/Shanghai times whatever it is. */
  timezoneId?: string;
}

/** A browser session (its own cookies and storage) with the dashboard open, not yet logged in. */
export async function openScreen(browser: Browser, gateway: string, o: ScreenOptions): Promise<Screen> {
  const context = await browser.newContext({
    viewport: o.viewport,
    locale: 'zh-CN',
    timezoneId: o.timezoneId ?? 'UTC',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  await page.goto(`${gateway}/?layout=${o.layout}`);
  return { context, page, errors };
}

/** Logs in through the form and waits for the dashboard to have loaded its data. */
export async function logIn(page: Page, username: string, password = username): Promise<void> {
  await page.fill('#login-form input[name="username"]', username);
  await page.fill('#login-form input[name="password"]', password);
  await page.click('#login-form button[type="submit"]');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * Resolves with the browser's clock (epoch ms) at the moment a selector first matches in the page, found
 * by a MutationObserver rather than by polling; -1 if it does not within the timeout.
 */
export async function armAppearance(
  page: Page,
  selector: string,
  timeoutMs = 10_000,
): Promise<() => Promise<number>> {
  const key = `seen_${Math.random().toString(36).slice(2)}`;
  await page.evaluate(
    ({ key, selector, timeoutMs }) => {
      const w = window as unknown as Record<string, Promise<number>>;
      w[key] = new Promise<number>((resolve) => {
        if (document.querySelector(selector)) return resolve(Date.now());
        const observer = new MutationObserver(() => {
          if (!document.querySelector(selector)) return;
          observer.disconnect();
          resolve(Date.now());
        });
        observer.observe(document.body, {
          subtree: true,
          childList: true,
          attributes: true,
          characterData: true,
        });
        setTimeout(() => {
          observer.disconnect();
          resolve(-1);
        }, timeoutMs);
      });
    },
    { key, selector, timeoutMs },
  );
  return () => page.evaluate((key) => (window as unknown as Record<string, Promise<number>>)[key], key);
}

/** The number at the start of an element's text, e.g. the open-alert count. */
export function firstNumber(text: string | null): number {
  const m = /\d+/.exec(text ?? '');
  return m ? Number(m[0]) : NaN;
}

/**
 * A laptop-sized screen logged in as `username`, added to `screens` (the suite closes them and checks their
 * console errors).
 */
export async function openLoggedIn(
  browser: Browser,
  gateway: string,
  username: string,
  screens: Screen[],
): Promise<Screen> {
  const s = await openScreen(browser, gateway, { layout: 'laptop', viewport: { width: 1440, height: 900 } });
  screens.push(s);
  await logIn(s.page, username);
  return s;
}

/** Closes a suite's screens, then its browser (each may be missing when `beforeAll` failed early). */
export async function closeBrowser(browser: Browser | undefined, screens: readonly Screen[]): Promise<void> {
  for (const s of screens) await s?.context.close().catch(() => undefined);
  await browser?.close();
}

/** The errors the screens logged since the last call (for `afterEach` to expect none). */
export function takeErrors(screens: readonly Screen[]): string[] {
  return screens.flatMap((s) => s.errors.splice(0));
}

/**
 * What a browser suite starts from: the platform, one Chromium, and the screens it opens (their console
 * errors taken after each test, closed with the stand). `onStop` adds what else the suite opened (MQTT
 * connections, terminals), closed after the screens and before the platform stops.
 */
export class BrowserStand extends PlatformStand {
  readonly screens: Screen[] = [];

  private constructor(
    platform: Platform,
    readonly browser: Browser,
  ) {
    super(platform);
  }

  static override async start(options: PlatformOptions = {}): Promise<BrowserStand> {
    const platform = await Platform.start(options);
    try {
      return new BrowserStand(platform, await launchChromium());
    } catch (err) {
      await platform.stop();
      throw err;
    }
  }

  /** A laptop screen logged in as `username` at the platform's gateway. */
  open(username: string): Promise<Screen> {
    return openLoggedIn(this.browser, this.platform.url('gateway'), username, this.screens);
  }

  /** A screen of `options`, not yet logged in. */
  async screen(options: ScreenOptions): Promise<Screen> {
    const s = await openScreen(this.browser, this.platform.url('gateway'), options);
    this.screens.push(s);
    return s;
  }

  /** The errors the screens logged since the last call. */
  takeErrors(): string[] {
    return takeErrors(this.screens);
  }

  override async stop(): Promise<void> {
    try {
      await closeBrowser(this.browser, this.screens);
    } finally {
      await super.stop();
    }
  }
}

/**
 * A `BrowserStand` for the calling `describe` block, started in its `beforeAll` (then `setup`, whose
 * connections and terminals belong on the stand) and stopped in its `afterAll`. After each test no screen
 * may have logged an error, but for one that contains `allowedError` (an error the suite provokes).
 */
export function useBrowserStand(
  options: StandOptions,
  o: { setup?: (stand: BrowserStand) => void | Promise<void>; allowedError?: string } = {},
): BrowserStand {
  const stand = useStand(() => BrowserStand.start(optionsOf(options)), o.setup);
  afterEach(() => {
    const allowed = o.allowedError;
    expect(stand.takeErrors().filter((e) => allowed === undefined || !e.includes(allowed))).toEqual([]);
  });
  return stand;
}
