import { describe, expect, it } from 'vitest';
import { safeHttpsUrl } from '../../../src/domain/safe-url';

describe('safeHttpsUrl', () => {
  it.each<[string, string | undefined]>([
    ['https://ci.example.com/run/991', 'https://ci.example.com/run/991'],
    ['https://CI.example.com', 'https://ci.example.com/'],
    ['https://ci.example.com/a?b=1&c=2#d', 'https://ci.example.com/a?b=1&c=2#d'],
    ['http://ci.example.com', undefined],
    ['HTTPS://ci.example.com/x', 'https://ci.example.com/x'],
    ['ftp://ci.example.com', undefined],
    ['javascript:alert(1)', undefined],
    ['data:text/html,x', undefined],
    ['https://u:p@ci.example.com', undefined],
    ['https://u@ci.example.com', undefined],
    ['https://ci.example.com/a|b', undefined],
    ['https://ci.example.com/<!channel>', undefined],
    ['https://ci.example.com/a>b', undefined],
    ['https://ci.example.com/a b', undefined],
    ['https://ci.example.com/a\nb', undefined],
    ['https://ci.example.com/a\u2028b', undefined],
    ['https:\\\\evil.example', undefined],
    ['https://ci.example.com/`x`', undefined],
    ['https:///ci.example.com', undefined],
    ['https:/ci.example.com', undefined],
    ['not a url', undefined],
    ['', undefined],
  ])('%j → %j', (candidate, expected) => {
    expect(safeHttpsUrl(candidate)).toBe(expected);
  });
});
