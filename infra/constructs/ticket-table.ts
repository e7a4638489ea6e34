/**
 * The single DynamoDB table (tickets, outbox events, Message-IDs, markers, counters).
 * Key and index names come from shared/adapters/table-layout.ts, the same module the store
 * and the local stack use, so the deployed table cannot drift from the code that reads it.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { DUE_INDEX, TABLE_KEYS, TENANT_INDEX, TTL_ATTRIBUTE } from '../../shared/adapters/table-layout';

export class TicketTable extends Construct {
  readonly table: dynamodb.Table;
  /** ARNs of the GSIs, for IAM statements that name each index instead of `index/*`. */
  readonly indexArns: { byTenant: string; due: string };

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const S = dynamodb.AttributeType.STRING;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partition, type: S },
      sortKey: { name: TABLE_KEYS.sort, type: S },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      deletionProtection: true,
      // Tickets are the system's records: never deleted with the stack (see README, Deploy: tear down).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of [TENANT_INDEX, DUE_INDEX]) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partition, type: S },
        sortKey: { name: index.sort, type: S },
        projectionType: dynamodb.ProjectionType[index.projection],
      });
    }
    this.indexArns = {
      byTenant: `${this.table.tableArn}/index/${TENANT_INDEX.name}`,
      due: `${this.table.tableArn}/index/${DUE_INDEX.name}`,
    };
  }
}
