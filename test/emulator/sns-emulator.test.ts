/**
 * The SNS emulator holds the real client to SNS's Publish rules (API reference), so that a message the
 * function builds and real SNS would refuse fails here too.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { startSnsEmulator, type SnsEmulator } from '../../emulator/sns-emulator';
import { TEST_CREDENTIALS } from '../support/scheduler-harness';

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:summary';
let sns: SnsEmulator;
let client: SNSClient;

beforeEach(async () => {
  sns = await startSnsEmulator({ topicArns: [TOPIC_ARN] });
  client = new SNSClient({ endpoint: sns.endpoint, region: 'eu-west-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
});

afterEach(() => sns.close());

const publish = (input: Partial<ConstructorParameters<typeof PublishCommand>[0]>) => client.send(new PublishCommand({ TopicArn: TOPIC_ARN, Message: 'hello', ...input }));

describe('Publish', () => {
  it('answers a message id and delivers each protocol its value of a JSON-structured message, or default', async () => {
    const answer = await publish({ Subject: 'Hi', MessageStructure: 'json', Message: JSON.stringify({ default: 'for all', email: 'for e-mail' }) });
    const [message] = sns.published();
    expect(answer.MessageId).toBe(message.messageId);
    expect(message.deliveredTo('email')).toBe('for e-mail');
    expect(message.deliveredTo('https')).toBe('for all');
  });

  it.each([
    ['a subject of 100 characters', { Subject: 'x'.repeat(100) }],
    ['a subject with a line break', { Subject: 'two\nlines' }],
    ['a JSON structure without default', { MessageStructure: 'json', Message: JSON.stringify({ email: 'x' }) }],
    ['a JSON structure with a non-string value', { MessageStructure: 'json', Message: JSON.stringify({ default: 'x', email: { text: 'x' } }) }],
    ['a message over 256 KB', { Message: 'x'.repeat(262_145) }],
  ])('refuses %s as InvalidParameter', async (_case, input) => {
    await expect(publish(input)).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(sns.published()).toHaveLength(0);
  });

  it('answers NotFound for a topic that does not exist', async () => {
    await expect(publish({ TopicArn: 'arn:aws:sns:eu-west-1:123456789012:other' })).rejects.toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
  });
});
