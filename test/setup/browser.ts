// The browser tests start the whole platform and a headless Chromium: as long as the e2e tier allows.
jest.setTimeout(240_000);
