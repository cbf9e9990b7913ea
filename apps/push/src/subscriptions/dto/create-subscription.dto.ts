import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, ValidateIf, ValidateNested } from 'class-validator';

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

export class PushKeysDto {
  @ApiProperty({ description: "The browser's P-256 ECDH public key, base64url (65 bytes uncompressed)" })
  @IsString()
  @Length(86, 90)
  @Matches(BASE64URL)
  p256dh: string;

  @ApiProperty({ description: 'The 16-byte authentication secret, base64url' })
  @IsString()
  @Length(22, 24)
  @Matches(BASE64URL)
  auth: string;
}

/**
 * Either a browser `PushSubscription` as `JSON.stringify(subscription)` gives it
 * (`endpoint`, `expirationTime`, `keys`), or a mobile device's FCM registration token.
 */
export class CreateSubscriptionDto {
  @ApiPropertyOptional({ description: 'Web Push: the push service URL (must be an allowed origin)', maxLength: 2048 })
  @ValidateIf((o: CreateSubscriptionDto) => o.fcmToken === undefined)
  @IsString()
  @Length(8, 2048)
  endpoint?: string;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Web Push: as the browser gives it; ignored' })
  @IsOptional()
  @IsInt()
  expirationTime?: number | null;

  @ApiPropertyOptional({ type: PushKeysDto })
  @ValidateIf((o: CreateSubscriptionDto) => o.fcmToken === undefined)
  @ValidateNested()
  @Type(() => PushKeysDto)
  keys?: PushKeysDto;

  @ApiPropertyOptional({ description: 'FCM: the device registration token', maxLength: 4096 })
  @ValidateIf((o: CreateSubscriptionDto) => o.endpoint === undefined && o.keys === undefined)
  @IsString()
  @Length(1, 4096)
  fcmToken?: string;

  @ApiPropertyOptional({ enum: ['android', 'ios'] })
  @ValidateIf((o: CreateSubscriptionDto) => o.fcmToken !== undefined)
  @IsIn(['android', 'ios'])
  platform?: 'android' | 'ios';
}
