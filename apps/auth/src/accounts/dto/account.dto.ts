import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Matches, MaxLength, MinLength } from 'class-validator';

const trimLower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
/** What `newAccountToken()` makes: 43 base64url characters (a little slack for other lengths). */
const TOKEN = /^[A-Za-z0-9_-]{20,128}$/;

export class ChangePasswordDto {
  @ApiProperty({ description: 'The password the caller signs in with now' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  currentPassword: string;

  @ApiProperty({ minLength: 10, maxLength: 128, description: 'Not a common or breached password (`weak_password`)' })
  @IsString()
  @MaxLength(256)
  newPassword: string;
}

export class ForgotPasswordDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(trimLower)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;
}

export class ResetPasswordDto {
  @ApiProperty({ description: 'The `token` query parameter of the reset link' })
  @IsString()
  @Matches(TOKEN, { message: 'token is malformed' })
  token: string;

  @ApiProperty({ minLength: 10, maxLength: 128, description: 'Not a common or breached password (`weak_password`)' })
  @IsString()
  @MaxLength(256)
  newPassword: string;
}

export class VerifyEmailDto {
  @ApiProperty({ description: 'The `token` query parameter of the verification link' })
  @IsString()
  @Matches(TOKEN, { message: 'token is malformed' })
  token: string;
}
