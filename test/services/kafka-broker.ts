import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../../local/src/process/runtime-process.ts';
import { stopChild, waitForPort } from './child-process.ts';

export interface KafkaBroker {
  /** Bootstrap addresses, e.g. `['127.0.0.1:40123']`. */
  brokers: string[];
  /** The broker's log (warnings and startup lines); copied to `.cache/kafka/last-broker.log` on stop. */
  logFile: string;
  /** Stops the broker (controlled shutdown, then SIGKILL) and removes its data. */
  stop(): Promise<void>;
}

/** The Kafka release the tests run; `@platformatic/kafka` 1.x supports brokers 3.5 to 4.1. */
export const KAFKA_VERSION = process.env.GEQO_KAFKA_VERSION || '4.1.2';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE_DIR = join(REPO_ROOT, '.cache', 'kafka');
const PREPARE_SCRIPT = join(REPO_ROOT, 'scripts', 'prepare-test-services.sh');
const execFileAsync = promisify(execFile);

/**
 * The broker's jars, fetched from Maven Central by `scripts/prepare-test-services.sh` on first use
 * (about 45 MB, some 15 s) and kept in `.cache/kafka/<version>/libs`.
 */
export function ensureKafkaJars(): string {
  const libs = join(CACHE_DIR, KAFKA_VERSION, 'libs');
  if (existsSync(join(CACHE_DIR, KAFKA_VERSION, '.complete'))) return libs;
  const result = spawnSync('bash', [PREPARE_SCRIPT], {
    cwd: REPO_ROOT,
    env: { ...process.env, GEQO_KAFKA_VERSION: KAFKA_VERSION },
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (result.status !== 0) {
    throw new Error(`could not fetch Kafka ${KAFKA_VERSION}:\n${result.stdout}\n${result.stderr}`);
  }
  return libs;
}

/** Times a broker start is tried on fresh ports when a port it picked was taken meanwhile. */
const BIND_ATTEMPTS = 3;

/**
 * A KRaft cluster id: 16 random bytes in base64url, as Kafka's `Uuid.randomUuid` makes them, and
 * like it never one that starts with "-" (one in 64 does), which the storage tool's command line
 * takes for an option ("argument --cluster-id/-t: expected one argument").
 */
export function kafkaClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * Starts a real Apache Kafka 4 broker: one node in KRaft mode (broker and controller in one JVM)
 * on two free loopback ports, with its data in a temporary folder. Topics are auto-created with one
 * partition unless a test creates them; use a unique topic and group name per test.
 *
 * A free port is only free when it is picked: a test file running alongside can bind it before
 * the broker does (it then exits with "Address already in use"). The start is then tried again on
 * other ports. `pickPort` is there for the test of that.
 */
export async function startKafkaBroker(pickPort: () => Promise<number> = freePort): Promise<KafkaBroker> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startKafkaBrokerOnce(await pickPort(), await pickPort());
    } catch (error) {
      if (attempt >= BIND_ATTEMPTS || !/Address already in use/.test(String(error))) throw error;
    }
  }
}

async function startKafkaBrokerOnce(brokerPort: number, controllerPort: number): Promise<KafkaBroker> {
  const libs = ensureKafkaJars();
  const workDir = mkdtempSync(join(tmpdir(), 'geqo-kafka-'));
  const properties = join(workDir, 'server.properties');
  const log4j = join(workDir, 'log4j2.properties');
  const logFile = join(workDir, 'broker.log');
  writeFileSync(properties, serverProperties(join(workDir, 'data'), brokerPort, controllerPort));
  writeFileSync(log4j, LOG4J_PROPERTIES);
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const jvm = [
    '-Xms128m',
    '-Xmx512m',
    '-XX:+UseSerialGC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4j}`,
    '-cp',
    `${libs}/*`,
  ];

  // A KRaft node needs formatted storage: a cluster id and a bootstrap metadata version, written
  // before the first start.
  const clusterId = kafkaClusterId();
  try {
    await execFileAsync(
      java,
      [...jvm, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties],
      {
        timeout: 60_000,
      },
    );
  } catch (error) {
    rmSync(workDir, { recursive: true, force: true });
    throw new Error(`kafka-storage format failed: ${String(error)}`);
  }

  const logFd = openSync(logFile, 'a');
  const child = spawn(java, [...jvm, 'kafka.Kafka', properties], { stdio: ['ignore', logFd, logFd] });
  // If the test process dies without stop(), the broker must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const readLog = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-8_000) : '');

  const stop = async () => {
    process.off('exit', killOnExit);
    await stopChild(child, 15_000);
    mkdirSync(CACHE_DIR, { recursive: true });
    if (existsSync(logFile)) copyFileSync(logFile, join(CACHE_DIR, 'last-broker.log'));
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    await waitForPort(brokerPort, { timeoutMs: 60_000, child, describe: readLog });
    // Something else may be listening on the port it picked: only its log says it started.
    await waitForLogLine(logFile, 'Kafka Server started', 30_000, child, readLog);
  } catch (error) {
    await stop();
    throw error;
  }
  return { brokers: [`127.0.0.1:${brokerPort}`], logFile, stop };
}

async function waitForLogLine(
  logFile: string,
  line: string,
  timeoutMs: number,
  child: ChildProcess,
  describe: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!readFileSync(logFile, 'utf8').includes(line)) {
    if (child.exitCode !== null)
      throw new Error(`the broker exited (${child.exitCode}) before "${line}"\n${describe()}`);
    if (Date.now() > deadline)
      throw new Error(`no "${line}" in the broker log after ${timeoutMs} ms\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function serverProperties(dataDir: string, brokerPort: number, controllerPort: number): string {
  return `# Single-node KRaft broker for tests: loopback only, one partition, no replication.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${brokerPort}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${dataDir}
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
auto.create.topics.enable=true
# A test's consumer joins an empty group: do not wait 3 s for other members.
group.initial.rebalance.delay.ms=0
`;
}

/** Warnings, plus the lines that say the server started or stopped. */
const LOG4J_PROPERTIES = `status = warn
appender.file.type = Console
appender.file.name = OUT
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.out.ref = OUT
logger.raft.name = kafka.server.KafkaRaftServer
logger.raft.level = info
logger.broker.name = kafka.server.BrokerServer
logger.broker.level = info
`;
