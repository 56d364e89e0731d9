// n8n's own lint config for community packages (Cloud-support rule set), as `n8n-node lint` runs it.
import { config } from '@n8n/node-cli/eslint';

export default config;
