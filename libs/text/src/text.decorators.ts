import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationOptions } from 'class-validator';
import { normalizeText, textProblem, type TextRule } from './text-policy';

/**
 * A DTO text field under the text policy: NFC-normalised (and trimmed when `trim`) before
 * validation, then checked with `textProblem` — the one definition REST DTOs and socket command
 * schemas share. `each` checks every element of an array.
 */
export function IsPlazaText(
  rule: TextRule,
  options: { trim?: boolean; each?: boolean } & Pick<ValidationOptions, 'message'> = {},
): PropertyDecorator {
  const clean = (v: unknown) => (typeof v === 'string' ? normalizeText(options.trim ? v.trim() : v) : v);
  const transform = Transform(({ value }: { value: unknown }) =>
    options.each && Array.isArray(value) ? value.map(clean) : clean(value),
  );
  const validate = ValidateBy(
    {
      name: 'plazaText',
      validator: {
        validate: (value: unknown) => textProblem('text', value, rule) === null,
        defaultMessage: (args) => textProblem(args?.property ?? 'text', args?.value, rule) ?? 'invalid text',
      },
    },
    { each: options.each, message: options.message },
  );
  return (target: object, key: string | symbol) => {
    transform(target, key);
    validate(target, key);
  };
}
