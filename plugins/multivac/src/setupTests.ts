import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Rendering a whole page in jsdom takes seconds on a busy 2-core machine
// (CI runs every package's suite at once); jest's 5 s default is too tight,
// and so is Testing Library's 1 s for findBy* and waitFor.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 5_000 });
