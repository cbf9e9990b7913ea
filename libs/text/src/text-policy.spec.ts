import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { graphemeLength, hasVisibleCharacter, normalizeText, TEXT_RULES, textProblem } from './text-policy';
import { IsPlazaText } from './text.decorators';

describe('text policy', () => {
  it.each(['\u200b', '\u2800', '\u3164', '\u200e', ' \n\t ', '   ', '\u115f\u1160', '\ufe0f', '\u00ad', '\u2060'])(
    'a required text of only %j has no visible character (400)',
    (value) => {
      expect(hasVisibleCharacter(value)).toBe(false);
      expect(textProblem('text', value, TEXT_RULES.post)).toMatch(/visible character/);
      expect(textProblem('displayName', value, TEXT_RULES.displayName)).not.toBeNull();
    },
  );

  it.each(['a', ' a ', '\u200bx', '😀', 'é', '中', '٣'])('%j has a visible character', (value) => {
    expect(hasVisibleCharacter(value)).toBe(true);
    expect(textProblem('text', value, TEXT_RULES.message)).toBeNull();
  });

  it.each(['\u202eabc', 'a\u202ab', 'x\u2066y', 'ab\u2069', 'a\u0007b', 'line\nbreak'])(
    'a displayName with a control or bidi override/isolate %j is refused; a post keeps it',
    (value) => {
      expect(textProblem('displayName', value, TEXT_RULES.displayName)).toMatch(/control characters/);
      expect(textProblem('text', value, TEXT_RULES.post)).toBeNull();
    },
  );

  it('counts user-perceived characters: a family emoji, a flag and a combining sequence are one each', () => {
    expect(graphemeLength('👨‍👩‍👧‍👦')).toBe(1);
    expect(graphemeLength('🇫🇷')).toBe(1);
    expect(graphemeLength('e\u0301')).toBe(1);
    expect(textProblem('displayName', '😀'.repeat(80), TEXT_RULES.displayName)).toBeNull();
    expect(textProblem('displayName', '😀'.repeat(81), TEXT_RULES.displayName)).toMatch(/1-80/);
  });

  it('counts Latin text without the segmenter exactly as the segmenter does (CR LF is one)', () => {
    const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
    const bySegmenter = (t: string) => [...segmenter.segment(t)].length;
    const samples = [
      '',
      'plain ascii',
      'a\r\nb',
      '\r\r\n\n',
      'tab\there',
      'Ünïcödé ßø',
      '\u0000\u001f\u007f\u0085',
      'ʰʲ˥˩',
    ];
    for (const t of samples) expect(graphemeLength(t)).toBe(bySegmenter(t));
    expect(textProblem('text', 'a\r\n'.repeat(1500), TEXT_RULES.post)).toBeNull();
    expect(textProblem('text', `${'a\r\n'.repeat(1500)}b`, TEXT_RULES.post)).toMatch(/1-3000/);
    expect(textProblem('text', 'x'.repeat(3000), TEXT_RULES.post)).toBeNull();
    expect(textProblem('text', 'x'.repeat(3001), TEXT_RULES.post)).toMatch(/1-3000/);
    expect(textProblem('text', 'e\u0301'.repeat(3000), TEXT_RULES.post)).toBeNull();
  });

  it('normalises to NFC', () => {
    expect(normalizeText('e\u0301')).toBe('é');
  });

  it('refuses NUL and non-strings', () => {
    expect(textProblem('text', 'a\u0000b', TEXT_RULES.comment)).toMatch(/NUL/);
    expect(textProblem('text', 5, TEXT_RULES.comment)).toMatch(/string/);
  });

  it('the decorator NFC-normalises (and trims when asked) before it validates', () => {
    class Dto {
      @IsPlazaText(TEXT_RULES.displayName, { trim: true })
      displayName: string;
    }
    const ok = plainToInstance(Dto, { displayName: '  Re\u0301my  ' });
    expect(validateSync(ok)).toEqual([]);
    expect(ok.displayName).toBe('Rémy');
    const bad = plainToInstance(Dto, { displayName: '\u3164' });
    const [error] = validateSync(bad);
    expect(Object.values(error.constraints ?? {})).toEqual(['displayName must contain a visible character']);
  });
});
