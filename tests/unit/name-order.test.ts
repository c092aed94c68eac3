import { describe, expect, it } from "vitest";
import { compareNames, sortByName } from "~/lib/name-order";

describe("names in pinyin order", () => {
  it("sorts surnames as a reader looks them up (a code-point sort puts 张 before 李 and 阿 after 赵)", () => {
    const names = ["张伟", "王芳", "李娜", "阿依古丽", "赵磊", "欧阳修", "陈静", "白雪"];
    expect([...names].sort()).not.toEqual([...names].sort(compareNames));
    expect([...names].sort(compareNames)).toEqual(["阿依古丽", "白雪", "陈静", "李娜", "欧阳修", "王芳", "张伟", "赵磊"]);
  });

  it("orders a given name after a shared surname, a shorter name first, and a Latin name after the Chinese ones (ICU’s pinyin order)", () => {
    expect(["张三丰", "张三", "张伟", "Tom", "张丽"].sort(compareNames)).toEqual(["张丽", "张三", "张三丰", "张伟", "Tom"]);
  });

  it("sorts unit names too (学院 by the pinyin of their first character)", () => {
    expect(["经济学院", "法学院", "马克思主义学院", "化学学院", "物理学院"].sort(compareNames)).toEqual([
      "法学院",
      "化学学院",
      "经济学院",
      "马克思主义学院",
      "物理学院",
    ]);
  });

  it("keeps rows with the same name in their given order", () => {
    const rows = [
      { id: 3, name: "王芳" },
      { id: 1, name: "李娜" },
      { id: 2, name: "王芳" },
    ];
    expect(sortByName(rows, (r) => r.name).map((r) => r.id)).toEqual([1, 3, 2]);
    expect(rows.map((r) => r.id)).toEqual([3, 1, 2]); // the input is left as it was
  });
});
