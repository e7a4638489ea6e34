/**
 * The domain's SES identity (Easy DKIM), the configuration set every outgoing mail uses, and
 * the DNS: with a Route 53 hosted zone the MX, the three DKIM CNAMEs and the DMARC TXT are created here,
 * otherwise they are printed as stack outputs for the operator to create (README, Deploy).
 *
 * Bounce and complaint events: SES can publish to EventBridge only on the account's *default*
 * bus (AWS::SES::ConfigurationSetEventDestination EventBridgeDestination: "Only the default bus
 * is supported"; CDK rejects any other bus at synth). So the configuration set publishes to the
 * default bus and a rule there, filtered on this configuration set, forwards the events to the
 * maildesk bus, where everything else about maildesk lives.
 *
 * An identity created by hand before the first deploy (`deployment.existingIdentity`) is adopted
 * by name: creating it again fails the deploy with AlreadyExists. CloudFormation then manages
 * neither its DKIM nor its default configuration set; the stack says, in outputs, what the
 * operator sets on it (`existingIdentitySetup`), and every send names the configuration set anyway.
 */
import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

/**
 * The desk domain's DMARC policy. Its own mail is DKIM-signed by SES for the domain (aligned), so
 * it passes; mail forged in the desk's name is quarantined by receivers that honour DMARC.
 * Relaxed alignment: SES's Easy DKIM signs with the domain itself.
 */
export const DMARC_RECORD_VALUE = 'v=DMARC1; p=quarantine; adkim=r; aspf=r';

/** detail-types SES puts on the default bus for the events the configuration set publishes. */
export const SES_FEEDBACK_DETAIL_TYPES = ['Email Bounced', 'Email Complaint Received'] as const;

export interface MailIdentityProps {
  domain: string;
  /** Route 53 hosted zone holding `domain` (its own zone or a parent zone). */
  hostedZoneId?: string;
  /** The maildesk bus, where bounce and complaint events are forwarded. */
  bus: events.IEventBus;
  /** The domain already is an SES identity (made by hand): adopt it, do not create it. */
  existingIdentity?: boolean;
}

/**
 * What the operator sets on an adopted identity (sesv2 CLI), which the stack would otherwise set:
 * Easy DKIM 2048-bit signing, the configuration set as its default, no feedback forwarding.
 */
export function existingIdentitySetup(domain: string, configurationSetName: string): string[] {
  return [
    `aws sesv2 put-email-identity-dkim-signing-attributes --email-identity ${domain} --signing-attributes-origin ` +
      `AWS_SES --signing-attributes NextSigningKeyLength=RSA_2048_BIT`,
    `aws sesv2 put-email-identity-dkim-attributes --email-identity ${domain} --signing-enabled`,
    `aws sesv2 put-email-identity-configuration-set-attributes --email-identity ${domain} --configuration-set-name ` +
      `${configurationSetName}`,
    `aws sesv2 put-email-identity-feedback-attributes --email-identity ${domain} --no-email-forwarding-enabled`,
  ];
}

export class MailIdentity extends Construct {
  /** The domain's identity: created here, or adopted by name (`existingIdentity`). */
  readonly identity: ses.IEmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  /** `inbound-smtp.<region>.amazonaws.com`: the host the domain's MX record points to. */
  readonly mxTarget: string;
  readonly configurationSetArn: string;

  constructor(scope: Construct, id: string, props: MailIdentityProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.mxTarget = `inbound-smtp.${stack.region}.amazonaws.com`;

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      // Mail carries patient-related data: never deliver it in clear text.
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSetArn = stack.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });

    const defaultBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.configurationSet.addEventDestination('FeedbackToEventBridge', {
      destination: ses.EventDestination.eventBus(defaultBus),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    new events.Rule(this, 'ForwardFeedback', {
      description: 'Bounces and complaints of maildesk mail, from the default bus to the maildesk bus',
      eventBus: defaultBus,
      eventPattern: {
        source: ['aws.ses'],
        detailType: [...SES_FEEDBACK_DETAIL_TYPES],
        detail: { mail: { tags: { 'ses:configuration-set': [this.configurationSet.configurationSetName] } } },
      },
      targets: [new targets.EventBus(props.bus)],
    });

    const zone = props.hostedZoneId
      ? route53.PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', {
          hostedZoneId: props.hostedZoneId,
          zoneName: props.domain,
        })
      : undefined;

    const created = props.existingIdentity
      ? undefined
      : new ses.EmailIdentity(this, 'Identity', {
          // With a zone, the identity is the zone's name (= domain) and the DKIM CNAMEs go into it.
          identity: zone ? ses.Identity.publicHostedZone(zone) : ses.Identity.domain(props.domain),
          dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
          dkimSigning: true,
          configurationSet: this.configurationSet,
          // Bounces and complaints arrive as events (above). Forwarded as mail they would land on the
          // tenant address they were sent from, i.e. back in the inbound pipeline.
          feedbackForwarding: false,
        });
    // Adopted: referenced by name only (its ARN for the send grants); nothing in the template creates or changes it.
    this.identity = created ?? ses.EmailIdentity.fromEmailIdentityName(this, 'Identity', props.domain);
    if (!created) {
      existingIdentitySetup(props.domain, this.configurationSet.configurationSetName).forEach((command, i, all) => {
        new CfnOutput(stack, `ExistingIdentitySetup${i + 1}`, {
          description:
            `The adopted identity ${props.domain} is not managed by CloudFormation: run this once (${i + 1} of ` +
            `${all.length}), then check with maildesk doctor --aws`,
          value: command,
        });
      });
    }

    if (zone) {
      new route53.MxRecord(this, 'Mx', {
        zone,
        recordName: `${props.domain}.`,
        values: [{ priority: 10, hostName: this.mxTarget }],
        comment: 'maildesk: SES email receiving',
      });
      new route53.TxtRecord(this, 'Dmarc', {
        zone,
        recordName: `_dmarc.${props.domain}.`,
        values: [DMARC_RECORD_VALUE],
        comment: 'maildesk: DMARC policy of the desk domain',
      });
    } else {
      new CfnOutput(stack, 'DnsMxRecord', {
        description: `Create this MX record for ${props.domain}`,
        value: `${props.domain}. MX 10 ${this.mxTarget}`,
      });
      new CfnOutput(stack, 'DnsDmarcRecord', {
        description: `Create this DMARC TXT record for ${props.domain} (unless the domain already publishes one)`,
        value: `_dmarc.${props.domain}. TXT "${DMARC_RECORD_VALUE}"`,
      });
      // An adopted identity's DKIM tokens are not known to CloudFormation: its CNAMEs were made by hand.
      created?.dkimRecords.forEach((record, i) => {
        new CfnOutput(stack, `DnsDkimRecord${i + 1}`, {
          description: `Create this DKIM CNAME record ${i + 1} of 3 for ${props.domain}`,
          value: `${record.name}. CNAME ${record.value}`,
        });
      });
    }
  }
}
