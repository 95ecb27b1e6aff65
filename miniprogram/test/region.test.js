const test = require('node:test');
const assert = require('node:assert/strict');
const { describeRegion } = require('../lib/region.js');

const CASES = [
  // [client.region as ScanLogin sends it, zh, en]
  [{ country: '中国', province: '广东', city: '深圳' }, '广东 深圳', '广东 深圳'],
  [{ country: '中国', province: '北京', city: '北京' }, '北京', '北京'],
  [{ country: '中国', province: '浙江', city: '' }, '浙江', '浙江'],
  [{ country: '中国', province: '', city: '' }, '中国', '中国'],
  [{ country: '美国', province: '', city: '' }, '美国', '美国'],
  [{ country: '澳大利亚', province: '昆士兰', city: '布里斯班' }, '澳大利亚 昆士兰 布里斯班', '澳大利亚 昆士兰 布里斯班'],
  [{ local: true }, '本地网络', 'Local network'],
  [{}, '未知', 'unknown'],
  [undefined, '未知', 'unknown'],
  [null, '未知', 'unknown'],
  ['广东', '未知', 'unknown'],
  [{ country: 7, province: ['x'], city: null }, '未知', 'unknown'],
];

for (const [region, zh, en] of CASES) {
  test(`${JSON.stringify(region)} is "${zh}" / "${en}"`, () => {
    assert.equal(describeRegion(region, 'zh'), zh);
    assert.equal(describeRegion(region, 'en'), en);
  });
}
