/** The CDK app: `npx cdk synth` (offline, no account) or `npx cdk deploy --all`. */
import { App } from 'aws-cdk-lib';
import { buildGeqoApp } from '../lib/geqo-app.ts';

buildGeqoApp(new App());
