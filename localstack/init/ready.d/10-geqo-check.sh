#!/bin/bash
# Runs inside the LocalStack container once it is ready: reports whether the services the Geqo
# CDK app deploys are available in this edition, so a failed deploy is not the first sign.
set -u

health=$(curl -s http://localhost:4566/_localstack/health)
missing=()
for service in cloudformation lambda kinesis sqs sns s3 iam logs cloudwatch ec2 apigatewayv2 cloudfront; do
  if ! echo "$health" | grep -q "\"$service\": *\"\(available\|running\)\""; then
    missing+=("$service")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "geqo: every service the CDK app needs is available"
else
  echo "geqo: not available in this LocalStack edition: ${missing[*]}"
  echo "geqo: apigatewayv2 and cloudfront need LOCALSTACK_AUTH_TOKEN (see localstack/README.md)"
fi

# A marker the README's wait loop looks for.
echo "geqo: localstack init done"
