import '@testing-library/jest-dom';

// Rendering a whole page in jsdom takes seconds on a busy 2-core machine
// (CI runs every package's suite at once); jest's 5 s default is too tight.
jest.setTimeout(30_000);
