// The compliance suite on the native backend (node:crypto).
import { availableBackends } from '../src/index.js'
import { describeCompliance } from './compliance.js'

describeCompliance('node', () => {
  const backend = availableBackends().get('node')
  if (backend === undefined) throw new Error('the node backend must be present under Node.js')
  return backend
})
