import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

export class SubscriptionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['webpush', 'fcm'] })
  kind: 'webpush' | 'fcm';

  @ApiPropertyOptional({ description: 'Web Push only: the push service origin (never the full endpoint)' })
  origin?: string;

  @ApiPropertyOptional({ enum: ['android', 'ios'], description: 'FCM only' })
  platform?: 'android' | 'ios';

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class SubscriptionListDto {
  @ApiProperty({ type: [SubscriptionDto] })
  items: SubscriptionDto[];
}

export class VapidKeyDto {
  @ApiProperty({ description: 'The VAPID public key, base64url: `applicationServerKey` of `pushManager.subscribe`' })
  publicKey: string;
}

export class PushSettingsDto {
  @ApiProperty({ description: 'Show message text in pushes (default true); false sends only "New message"' })
  @IsBoolean()
  previews: boolean;
}
