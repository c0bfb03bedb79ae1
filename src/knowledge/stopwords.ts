/**
 * Function words that carry no topic. Kept short on purpose: question words ("how", "怎么") are
 * here because every question has them, topic words never are.
 */
export const EN_STOP = new Set(
  `a an the and or but if of to in on at by for with from as into about than then so not no nor
  is are was were be been being am do does did doing have has had having will would shall should
  can could may might must i me my mine we us our you your he him his she her it its they them their
  this that these those there here what which who whom whose when where why how
  all any each some such only own same too very just also
  up down out over under again further once s t d ll m re ve
  get got please pls hi hello hey thanks thank ok okay want need like know see find check look show tell`.split(
    /\s+/,
  ),
);

export const ZH_STOP = new Set(
  `的 了 吗 呢 吧 啊 呀 么 嘛 是 在 和 与 及 或 也 都 就 还 又 把 被 给 让 对 向 从 为 以 之 其 等
  我 你 他 她 它 我们 你们 他们 她们 咱们 自己 这 那 这个 那个 这些 那些 这样 那样 哪 哪个 哪些 哪里
  怎么 怎么办 怎样 如何 什么 为什么 多少 几 是否 是不是 有没有 能不能 可不可以 可以 能 会 要 想 需要 应该
  请问 一下 一个 有 没有 没 不 个 中 上 下 里 吧 啦 哦 嗯 呃 哈 哎 诶 吗 么 帮 帮忙 谢谢 您好 你好`.split(
    /\s+/,
  ),
);
