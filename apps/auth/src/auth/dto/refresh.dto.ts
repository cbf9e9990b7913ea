import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token of the latest AuthResult; each one works once' })
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  refreshToken: string;
}
