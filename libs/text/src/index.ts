export {
  graphemeLength,
  hasRefusedNameCharacter,
  hasVisibleCharacter,
  normalizeText,
  TEXT_RULES,
  type TextRule,
  textProblem,
} from './text-policy';
export { IsPlazaText } from './text.decorators';
