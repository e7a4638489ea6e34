/**
 * The zod schema of maildesk.config.json (every key: docs/configuration.md) and the types it gives; parsing,
 * loading and the lookups are in config.ts.
 */
import { z } from 'zod';
import { DEFAULT_DOCUMENTATION_REQUIRED_FOR } from './domain/documentation';
import { priorityCodes } from './domain/priorities';

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * SES v2 takes at most 40 MB per message after base64 encoding
 * (https://docs.aws.amazon.com/ses/latest/dg/quotas.html), that is 30 MB of raw MIME; files in the
 * MIME are base64 as well (4/3, and CRLF every 76 characters): 30 * 3/4 * 76/78 = 21.9 MB of files,
 * 21 leaving room for the text and the parts' headers.
 */
export const MAX_ENGINEER_ATTACHMENT_MB = 21;

/** Where ops store the attachment-link signer's access key (SecureString JSON {accessKeyId, secretAccessKey}). */
export const DEFAULT_LINK_KEY_PARAMETER = '/maildesk/attachment-link-key';

/**
 * Built on first use, not at import: a Lambda runs with the config `cdk synth` validated (see
 * configFromEnvironment), so building zod's schema at its cold start would be wasted work.
 */
function buildConfigSchema() {
  const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');
  // A day that exists (2026-02-30 would silently become 2 March): the last day of a support contract.
  const calendarDate = isoDate.refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
  }, 'expected a calendar date');
  const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time as HH:MM');
  const address = z.email('expected an e-mail address').transform((s) => s.toLowerCase());
  const domainName = z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/i, 'expected a domain name like support.example')
    .transform((s) => s.toLowerCase());

  const engineerSchema = z.union([
    address.transform((addr) => ({
      login: addr.split('@')[0]!,
      address: addr,
      name: undefined as string | undefined,
      telegramUserId: undefined as number | undefined,
    })),
    z.strictObject({
      login: z.string().regex(/^[a-z0-9._-]+$/i, 'expected a login of letters, digits, dot, dash or underscore'),
      address,
      name: z.string().min(1).optional(),
      /** the engineer's Telegram user id: their `#commands` in a clinic's group count */
      telegramUserId: z.number().int().positive().optional(),
    }),
  ]);

  const tenantSchema = z.strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lowercase id like clinic-north'),
    name: z.string().min(1),
    addresses: z.array(address).min(1, 'a tenant needs at least one support address'),
    departments: z.array(z.string().min(1)).default([]),
    language: z.enum(['ru', 'en']).default('ru'),
    allowedSenderDomains: z.array(domainName).optional(),
    reportRecipients: z.array(address).default([]),
    /** The clinic's support contract: without an active one its tickets get no SLA (support-contract.ts). */
    support: z
      .strictObject({ active: z.boolean().default(true), until: calendarDate.optional() })
      .default({ active: true }),
    /** the clinic's Telegram group (a negative id like -1001234567890): blocking tickets are worked there */
    telegram: z
      .strictObject({
        chatId: z.union([
          z.number().int(),
          z
            .string()
            .regex(/^-?\d+$/, 'expected a chat id')
            .transform(Number),
        ]),
      })
      .optional(),
  });

  return z
    .strictObject({
      ticketPrefix: z
        .string()
        .regex(/^[A-Z]{1,8}$/, 'expected 1-8 capital Latin letters, like MG')
        .default('MG'),
      timezone: z.string().refine(isTimeZone, 'expected an IANA time zone like Europe/Moscow').default('Europe/Moscow'),
      businessHours: z
        .strictObject({
          /** ISO weekdays: 1 = Monday ... 7 = Sunday */
          days: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
          start: clockTime.default('10:00'),
          end: clockTime.default('18:00'),
        })
        .refine((h) => h.start < h.end, { message: 'businessHours.start must be before businessHours.end' })
        .default({ days: [1, 2, 3, 4, 5], start: '10:00', end: '18:00' }),
      /** When present, these replace the built-in Russian production calendar. */
      holidays: z.array(isoDate).optional(),
      workingWeekends: z.array(isoDate).optional(),
      shortDays: z.array(isoDate).optional(),
      engineers: z.array(engineerSchema).min(1, 'list at least one engineer'),
      tenants: z.array(tenantSchema).min(1, 'list at least one tenant'),
      sla: z
        .strictObject({
          /** Fraction of the deadline after which engineers are warned. */
          warnAt: z.number().gt(0).lt(1).default(0.8),
          autoCloseWorkingDays: z.number().int().min(1).default(10),
          reminderWorkingDaysBefore: z.number().int().min(0).default(3),
          maxDeferWorkingDays: z.number().int().min(0).default(14),
          respondWithinHours: z.number().positive().default(72),
        })
        .default({
          warnAt: 0.8,
          autoCloseWorkingDays: 10,
          reminderWorkingDaysBefore: 3,
          maxDeferWorkingDays: 14,
          respondWithinHours: 72,
        }),
      /** Cap on automatic answers per sender address per hour (loops, mail bombs). */
      autoReplyLimitPerHour: z.number().int().min(1).default(10),
      /** Priorities whose tickets change code: they close only with a knowledge-base link (`#doc URL`). */
      documentationRequiredFor: z.array(z.enum(priorityCodes)).default([...DEFAULT_DOCUMENTATION_REQUIRED_FOR]),
      /** Customer files carried by one engineers' mail, in MB; the rest go as links (0: links only). */
      engineerAttachmentLimitMb: z
        .number()
        .min(0)
        .max(
          MAX_ENGINEER_ATTACHMENT_MB,
          `at most ${MAX_ENGINEER_ATTACHMENT_MB} MB: SES v2 takes 40 MB per message after base64 encoding, ` +
            `and files inside a mail are base64 too, so a 40 MB mail carries about ${MAX_ENGINEER_ATTACHMENT_MB} ` +
            `MB of files`,
        )
        .default(10),
      /** Where links to a ticket point in engineer mails (optional web UI or mail search). */
      ticketLinkBase: z.url().optional(),
      telegram: z.strictObject({ chatId: z.string().min(1), botTokenParameter: z.string().min(1) }).optional(),
      /** The SSM SecureString holding the access key that signs 7-day attachment links (docs/deploy.md). */
      attachmentLinks: z
        .strictObject({ signingKeyParameter: z.string().min(1).default(DEFAULT_LINK_KEY_PARAMETER) })
        .default({ signingKeyParameter: DEFAULT_LINK_KEY_PARAMETER }),
      deployment: z
        .strictObject({
          domain: domainName,
          hostedZoneId: z
            .string()
            .regex(/^Z[A-Z0-9]+$/, 'expected a Route 53 hosted zone id like Z0123456789ABC')
            .optional(),
          alarmEmail: address.optional(),
          rawMailRetentionDays: z.number().int().min(1).default(365),
          /**
           * Region of the stack; must be one where SES receives mail. Defaults to the CDK environment's (never a silent
           * us-east-1).
           */
          region: z
            .string()
            .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region like eu-west-1')
            .optional(),
          /**
           * Synth refuses a region not on the list of SES receiving regions (infra/ses-regions.ts); true for a region
           * AWS added since.
           */
          allowUnlistedRegion: z.boolean().optional(),
          /**
           * Only one SES receipt rule set can be active per account and region: true lets deploy
           * activate ours over another active set (switching its mail off; restored on delete or
           * rollback). Default: deploy fails and names that set.
           */
          replaceActiveRuleSet: z.boolean().default(false),
          /**
           * The domain is already an SES identity (verified by hand, Easy DKIM on): the stack
           * adopts it by name instead of creating AWS::SES::EmailIdentity (which would fail: AlreadyExists).
           */
          existingIdentity: z.boolean().default(false),
        })
        .optional(),
    })
    .superRefine((cfg, ctx) => {
      const seenIds = new Set<string>();
      const seenAddresses = new Map<string, string>();
      cfg.tenants.forEach((tenant, i) => {
        if (seenIds.has(tenant.id))
          ctx.addIssue({ code: 'custom', path: ['tenants', i, 'id'], message: `duplicate tenant id "${tenant.id}"` });
        seenIds.add(tenant.id);
        tenant.addresses.forEach((addr, j) => {
          const owner = seenAddresses.get(addr);
          if (owner)
            ctx.addIssue({
              code: 'custom',
              path: ['tenants', i, 'addresses', j],
              message: `address ${addr} already belongs to tenant "${owner}"`,
            });
          seenAddresses.set(addr, tenant.id);
        });
      });
      const engineerAddresses = new Set(cfg.engineers.map((e) => e.address));
      for (const [addr, tenantId] of seenAddresses) {
        if (engineerAddresses.has(addr))
          ctx.addIssue({
            code: 'custom',
            path: ['engineers'],
            message: `${addr} is both an engineer and a support address of "${tenantId}"`,
          });
      }
      const chats = new Set<number>();
      cfg.tenants.forEach((tenant, i) => {
        const chat = tenant.telegram?.chatId;
        if (chat !== undefined && chats.has(chat))
          ctx.addIssue({
            code: 'custom',
            path: ['tenants', i, 'telegram', 'chatId'],
            message: `duplicate chat ${chat}`,
          });
        if (chat !== undefined) chats.add(chat);
      });
      const logins = new Set<string>();
      cfg.engineers.forEach((e, i) => {
        if (logins.has(e.login))
          ctx.addIssue({
            code: 'custom',
            path: ['engineers', i, 'login'],
            message: `duplicate engineer login "${e.login}"`,
          });
        logins.add(e.login);
      });
      const telegramUsers = new Set<number>();
      cfg.engineers.forEach((e, i) => {
        if (e.telegramUserId === undefined) return;
        if (telegramUsers.has(e.telegramUserId))
          ctx.addIssue({
            code: 'custom',
            path: ['engineers', i, 'telegramUserId'],
            message: `duplicate Telegram user ${e.telegramUserId}`,
          });
        telegramUsers.add(e.telegramUserId);
      });
    });
}

let schema: ReturnType<typeof buildConfigSchema> | undefined;
export const configSchema = () => (schema ??= buildConfigSchema());

export type MaildeskConfig = z.output<ReturnType<typeof buildConfigSchema>>;
export type Tenant = MaildeskConfig['tenants'][number];
export type Engineer = MaildeskConfig['engineers'][number];
