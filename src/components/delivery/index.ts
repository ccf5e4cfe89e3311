export { DeliveryLine } from './DeliveryLine';
export { canRetryNow, deliveryLine } from './model';
