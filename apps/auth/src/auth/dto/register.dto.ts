import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsPlazaText, TEXT_RULES } from '@plaza/text';
import { IsBoolean, IsEmail, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const trimLower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class RegisterDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @Transform(trimLower)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({
    minLength: 10,
    maxLength: 128,
    description: '10-128 characters, not a common or breached password (400 `weak_password`)',
  })
  @IsString()
  // Bounds the work an attacker can ask for; the password rule itself answers `weak_password`.
  @MaxLength(256)
  password: string;

  @ApiProperty({ example: 'ada_l', pattern: '^[a-z0-9_]{3,30}$' })
  @IsString()
  @Matches(/^[a-z0-9_]{3,30}$/, { message: 'handle must be 3-30 characters of a-z, 0-9 and _' })
  handle: string;

  @ApiProperty({
    example: 'Ada Lovelace',
    minLength: 1,
    maxLength: 80,
    description:
      'Trimmed, NFC; 1-80 user-perceived characters with a visible one; no control or bidi override characters',
  })
  @IsPlazaText(TEXT_RULES.displayName, { trim: true })
  displayName: string;

  @ApiPropertyOptional({
    description: 'Keep me signed in: a 30-day session the client keeps in localStorage',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  rememberMe?: boolean;

  @ApiPropertyOptional({ description: 'reCAPTCHA v3 token for action `register` (required when reCAPTCHA is enabled)' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  captchaToken?: string;
}
