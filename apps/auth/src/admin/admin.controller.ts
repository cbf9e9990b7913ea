import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Client, type ClientContext, PageQueryDto } from '@plaza/platform';
import { Authenticated, CurrentUser, type Principal } from '@plaza/identity';
import { AuditService } from '../audit/audit.service';
import { AdminService } from './admin.service';
import { AdminUserDto, AdminUserListDto } from './dto/admin-user.dto';
import { AuditListDto } from './dto/audit-entry.dto';
import { UpdateRolesDto } from './dto/update-roles.dto';
import { UserQueryDto } from './dto/user-query.dto';

@ApiTags('admin')
@Controller('api/admin')
export class AdminController {
  constructor(
    private readonly admin: AdminService,
    private readonly audit: AuditService,
  ) {}

  @Get('users')
  @Authenticated('users:read')
  @ApiOperation({ summary: 'Search users (newest first)' })
  @ApiOkResponse({ type: AdminUserListDto })
  @ApiBadRequestResponse({ description: 'Invalid query or cursor' })
  users(@Query() query: UserQueryDto): Promise<AdminUserListDto> {
    return this.admin.listUsers(query.q || undefined, query.limit, query.cursor);
  }

  @Put('users/:id/roles')
  @Authenticated('roles:manage')
  @ApiOperation({ summary: "Replace a user's roles; applies to their next request, audited" })
  @ApiOkResponse({ type: AdminUserDto })
  @ApiNotFoundResponse({ description: 'No such user' })
  @ApiConflictResponse({
    description:
      'An admin cannot remove their own admin role (`cannot_remove_own_admin`); the roles of an identity-provider user come from the provider (`roles_managed_by_identity_provider`)',
  })
  setRoles(
    @CurrentUser() principal: Principal,
    @Client() client: ClientContext,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: UpdateRolesDto,
  ): Promise<AdminUserDto> {
    return this.admin.setRoles({ principal, ip: client.ip }, id, dto.roles);
  }

  @Post('users/:id/suspend')
  @HttpCode(HttpStatus.OK)
  @Authenticated('users:suspend')
  @ApiOperation({ summary: 'Suspend a user: every session is revoked and its sockets disconnected; audited' })
  @ApiOkResponse({ type: AdminUserDto })
  @ApiNotFoundResponse({ description: 'No such user' })
  @ApiConflictResponse({ description: 'You cannot suspend yourself' })
  suspend(
    @CurrentUser() principal: Principal,
    @Client() client: ClientContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<AdminUserDto> {
    return this.admin.setSuspended({ principal, ip: client.ip }, id, true);
  }

  @Post('users/:id/unsuspend')
  @HttpCode(HttpStatus.OK)
  @Authenticated('users:suspend')
  @ApiOperation({ summary: 'Lift a suspension; audited' })
  @ApiOkResponse({ type: AdminUserDto })
  @ApiNotFoundResponse({ description: 'No such user' })
  unsuspend(
    @CurrentUser() principal: Principal,
    @Client() client: ClientContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<AdminUserDto> {
    return this.admin.setSuspended({ principal, ip: client.ip }, id, false);
  }

  @Get('audit')
  @Authenticated('audit:read')
  @ApiOperation({ summary: 'The audit log, newest first (append-only)' })
  @ApiOkResponse({ type: AuditListDto })
  auditLog(@Query() query: PageQueryDto): Promise<AuditListDto> {
    return this.audit.list(query.limit, query.cursor);
  }
}
