import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Client, type ClientContext } from '@plaza/platform';
import { Authenticated, CurrentUser, type Principal } from '@plaza/identity';
import { RateLimit } from '@plaza/rate-limit';
import { AuthService } from './auth.service';
import { AuthResultDto, MeDto } from './dto/auth-result.dto';
import { LoginDto } from './dto/login.dto';
import { RefreshDto } from './dto/refresh.dto';
import { RegisterDto } from './dto/register.dto';
import { SessionListDto } from './dto/session-list.dto';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @Header('Cache-Control', 'no-store')
  @RateLimit('register')
  @ApiOperation({ summary: 'Create an account and sign in' })
  @ApiCreatedResponse({ type: AuthResultDto })
  @ApiBadRequestResponse({
    description: 'Invalid input (unknown fields, ...); `weak_password`: under 10 or over 128 characters, or common',
  })
  @ApiConflictResponse({ description: 'Email or handle taken (`email_taken`, `handle_taken`)' })
  @ApiForbiddenResponse({ description: 'reCAPTCHA refused (`captcha_failed`)' })
  @ApiTooManyRequestsResponse({ description: 'Over REGISTER_RATE_LIMIT per hour per client IP (`rate_limited`)' })
  @ApiServiceUnavailableResponse({ description: 'reCAPTCHA verifier unreachable' })
  register(@Body() dto: RegisterDto, @Client() client: ClientContext): Promise<AuthResultDto> {
    return this.auth.register(dto, client);
  }

  @Post('login')
  @Header('Cache-Control', 'no-store')
  @HttpCode(HttpStatus.OK)
  @RateLimit('login')
  @ApiOperation({ summary: 'Sign in with email and password' })
  @ApiOkResponse({ type: AuthResultDto })
  @ApiUnauthorizedResponse({ description: 'Bad credentials (the same answer for an unknown email)' })
  @ApiForbiddenResponse({ description: '`account_suspended` or `captcha_failed`' })
  @ApiTooManyRequestsResponse({
    description:
      'Over LOGIN_RATE_LIMIT per 60 s per (client IP, email), LOGIN_IP_RATE_LIMIT per 15 min per IP, or LOGIN_ACCOUNT_RATE_LIMIT failures per hour per account (`rate_limited`)',
  })
  @ApiServiceUnavailableResponse({ description: 'reCAPTCHA verifier unreachable' })
  login(@Body() dto: LoginDto, @Client() client: ClientContext): Promise<AuthResultDto> {
    return this.auth.login(dto, client);
  }

  @Post('refresh')
  @Header('Cache-Control', 'no-store')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Exchange a refresh token for new tokens; the old refresh token is spent' })
  @ApiOkResponse({ type: AuthResultDto })
  @ApiUnauthorizedResponse({
    description: 'Invalid or expired; a spent token revokes its whole session (`refresh_token_reused`)',
  })
  refresh(@Body() dto: RefreshDto): Promise<AuthResultDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Authenticated()
  @ApiOperation({ summary: 'Revoke the current session and disconnect its sockets' })
  @ApiNoContentResponse()
  logout(@CurrentUser() principal: Principal): Promise<void> {
    return this.auth.logout(principal);
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'The signed-in user with effective roles and permissions' })
  @ApiOkResponse({ type: MeDto })
  me(@CurrentUser() principal: Principal): Promise<MeDto> {
    return this.auth.me(principal);
  }

  @Get('sessions')
  @Authenticated()
  @ApiOperation({ summary: "The caller's live sessions" })
  @ApiOkResponse({ type: SessionListDto })
  sessions(@CurrentUser() principal: Principal): Promise<SessionListDto> {
    return this.auth.listSessions(principal);
  }

  @Delete('sessions/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Authenticated()
  @ApiOperation({ summary: "Revoke one of the caller's sessions and disconnect its sockets" })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'No such session of the caller (also for another user’s session)' })
  revokeSession(@CurrentUser() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.auth.revokeSession(principal, id);
  }
}
