// The compliance suite on the portable backend (@noble).
import { availableBackends } from '../src/index.js'
import { describeCompliance } from './compliance.js'

describeCompliance('noble', () => availableBackends().get('noble')!)
