import { ApiProperty } from '@nestjs/swagger';
import { ROLES } from '@plaza/identity';

export class AdminUserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty() handle: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role', isArray: true, example: ['user'] }) roles: string[];
  @ApiProperty() suspended: boolean;
}

export class AdminUserListDto {
  @ApiProperty({ type: [AdminUserDto] }) items: AdminUserDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
