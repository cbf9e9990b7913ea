import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn } from 'class-validator';
import { type Role, ROLES } from '@plaza/identity';

export class UpdateRolesDto {
  @ApiProperty({
    enum: ROLES,
    enumName: 'Role',
    isArray: true,
    example: ['user', 'moderator'],
    description: '`user` is always kept',
  })
  @IsArray()
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: `each role must be one of ${ROLES.join(', ')}` })
  roles: Role[];
}
