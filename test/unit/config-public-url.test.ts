import { loadConfig } from '../../src/config';
import { configFailure } from '../helpers/config';

/** PUBLIC_URL: where download links point; optional, https (http only for localhost), no query or fragment. */

describe('PUBLIC_URL', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['  ', undefined],
    ['https://kudos.example.com', 'https://kudos.example.com'],
    ['https://kudos.example.com/', 'https://kudos.example.com'],
    ['https://example.com/kudos/', 'https://example.com/kudos'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://127.0.0.1:3000/', 'http://127.0.0.1:3000'],
  ])('%j is read as %j', (value, expected) => {
    expect(loadConfig(value === undefined ? {} : { PUBLIC_URL: value }).publicUrl).toBe(expected);
  });

  it.each(['abc', '0', 'kudos.example.com', 'ftp://kudos.example.com', 'http://kudos.example.com', 'https://kudos.example.com/?a=1', 'https://kudos.example.com/#x'])(
    'refuses %j, naming PUBLIC_URL',
    (value) => {
      expect(configFailure({ PUBLIC_URL: value })).toContain('PUBLIC_URL');
    },
  );
});
